import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashMqttPassword, newMqttPassword, unitPath, verifyMqttPassword } from './secrets';

describe('MQTT password hashes', () => {
  it('verifies the password it hashed and refuses any other', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ maxLength: 64 }), (a, b) => {
        const stored = hashMqttPassword(a);
        expect(stored).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
        expect(verifyMqttPassword(a, stored)).toBe(true);
        if (a !== b) expect(verifyMqttPassword(b, stored)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('never matches a malformed stored hash, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (password, stored) => {
        if (!stored.startsWith('$7$')) expect(verifyMqttPassword(password, stored)).toBe(false);
      }),
    );
    expect(verifyMqttPassword('x', '$7$0$AAAA$AAAA')).toBe(false);
    expect(verifyMqttPassword('x', '$6$salt$hash')).toBe(false);
  });

  it('issues 43-character base64url passwords, never the same twice', () => {
    const seen = new Set(Array.from({ length: 100 }, () => newMqttPassword()));
    expect(seen.size).toBe(100);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('lists every unit and the units above them once', () => {
    const up: Record<string, string[]> = { '52001': ['520', '52'], '52002': ['520', '52'] };
    expect(unitPath(['52001', '52002'], (c) => up[c] ?? [])).toBe('|52001|520|52|52002|');
  });
});
