import { bulletinJsonSchemas } from '@nguon/bulletin';
import { describe, expect, test } from 'vitest';
import { run } from '../test-helpers';

describe('nguon schema', () => {
  test('prints the bulletin JSON Schema (draft 2020-12) as JSON on stdout', async () => {
    const result = await run(['schema', 'bulletin']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema).toEqual(bulletinJsonSchemas().bulletin);
    expect(schema.properties.priority.enum).toEqual(['normal', 'priority', 'emergency']);
  });

  test('--list names every schema', async () => {
    const result = await run(['schema', '--list']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual(
      expect.arrayContaining(['bulletin', 'media-ref', 'schedule', 'targets']),
    );
  });

  test('an unknown name exits 1 and lists the known ones', async () => {
    const result = await run(['schema', 'bulleten']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^unknown schema "bulleten"; expected one of: bulletin, /);
  });
});
