import { expect, test } from 'vitest';
import { hello } from '@nguon/areas';
test('hello', () => { expect(hello()).toBe('xin chào'); });
