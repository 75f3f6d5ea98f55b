import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import { bulletinShaperSource, bulletinShaperTypes, shaperEmitter } from '../scripts/shaper-source';
import { bulletinValidatorSource, bulletinValidatorTypes } from '../scripts/validator-source';
import { codePointLength } from './code-points';
import { fastParseBulletin } from './fast-path';
import { exampleFloodWarning, examplePolicyNotice, safeParseBulletin, toBulletinIssues } from './index';
import { BulletinSchema } from './schema';
import { validBulletin } from './test-arbitraries';

type Json = Record<string | number, unknown>;

/** The zod path alone, as parseBulletin was before the fast path. */
function zodPath(input: unknown) {
  const r = BulletinSchema.safeParse(input);
  return r.success
    ? { success: true as const, data: r.data }
    : { success: false as const, issues: r.error.issues };
}

function issuesOf(input: unknown) {
  const r = safeParseBulletin(input);
  return r.success ? [] : r.error.issues;
}

/** Every path to a value inside `value`. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => pathsOf((value as Json)[k], [...prefix, k]))];
}

function leaves(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null) return [value];
  return Object.values(value).flatMap(leaves);
}

// Values that fit somewhere in a bulletin, so that a mutation often keeps the shapes valid and breaks
// (or keeps) a cross-field rule instead: other times, states, languages, MIME types, channels…
const plausible = fc.constantFrom(
  ...new Set([
    ...leaves(exampleFloodWarning),
    ...leaves(examplePolicyNotice),
    'vi',
    'VI',
    'vn',
    'km',
    'en',
    'audio/mpeg',
    'image/png',
    'video/mp4',
    'text/plain',
    'board',
    'sms',
    'radio_ip',
    'emergency',
    'normal',
    'draft',
    'rejected',
    'revoked',
    'expired',
    'approved',
    'policy',
    '2020-01-01T00:00:00Z',
    '2099-01-01T00:00:00+07:00',
    '2026-11-26T08:00:00.5Z',
    '06:00',
    '24:00',
    'Thong bao khong dau',
    '😀'.repeat(150),
    '',
    ' ',
    0,
    1,
    2,
    7,
    1.5,
    -1,
    true,
    null,
    [],
    {},
  ]),
);

/** A valid bulletin with one value replaced or removed. */
const mutatedBulletin = validBulletin().chain((b) =>
  fc
    .tuple(
      fc.constantFrom(...pathsOf(b).filter((p) => p.length > 0)),
      fc.oneof(
        { weight: 4, arbitrary: plausible },
        { weight: 1, arbitrary: fc.jsonValue() },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant('delete') },
      ),
    )
    .map(([path, value]) => {
      const copy = structuredClone(b) as unknown as Json;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Json;
      const last = path.at(-1) as string | number;
      if (value === 'delete') delete node[last];
      else node[last] = structuredClone(value);
      return copy as unknown;
    }),
);

/** The fast path agrees with zod on `input`: same verdict when it answers, same output value. */
function agree(input: unknown): 'fast' | 'zod' {
  const fast = fastParseBulletin(input);
  const slow = zodPath(input);
  if (fast !== undefined) {
    expect(slow.success, JSON.stringify(slow.success ? '' : slow.issues)).toBe(true);
    expect(fast).toStrictEqual(slow.data);
    // Same key order too, so that JSON.stringify of the result does not change.
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
    expect(fast).not.toBe(input);
  }
  const result = safeParseBulletin(input);
  expect(result.success).toBe(slow.success);
  if (result.success) expect(result.data).toStrictEqual(slow.data);
  else if (!slow.success) expect(result.error.issues).toEqual(toBulletinIssues(slow.issues));
  return fast === undefined ? 'zod' : 'fast';
}

describe('generated validator', () => {
  test('src/generated/bulletin-validator.* equal a fresh generation (run `npm run generate` if not)', () => {
    const dir = new URL('./generated/', import.meta.url);
    expect(readFileSync(new URL('bulletin-validator.js', dir), 'utf8')).toBe(bulletinValidatorSource());
    expect(readFileSync(new URL('bulletin-validator.d.ts', dir), 'utf8')).toBe(bulletinValidatorTypes);
    expect(readFileSync(new URL('bulletin-shaper.js', dir), 'utf8')).toBe(bulletinShaperSource());
    expect(readFileSync(new URL('bulletin-shaper.d.ts', dir), 'utf8')).toBe(bulletinShaperTypes);
  });

  test('the zod regexes have no flags, so the JSON Schema patterns mean the same', () => {
    const flags = new Set<string>();
    const seen = new Set<unknown>();
    const walk = (value: unknown) => {
      if (typeof value !== 'object' || value === null || seen.has(value)) return;
      seen.add(value);
      if (value instanceof RegExp) flags.add(value.flags);
      else for (const v of Object.values(value)) walk(v);
    };
    walk(BulletinSchema._zod.def);
    expect(flags.size).toBeGreaterThan(0);
    expect([...flags]).toEqual(['']);
  });
});

describe('fast path of parseBulletin', () => {
  test('takes the samples and returns what zod returns', () => {
    expect(agree(exampleFloodWarning)).toBe('fast');
    expect(agree(examplePolicyNotice)).toBe('fast');
  });

  test('every generated valid bulletin takes the fast path with zod’s result (property)', () => {
    fc.assert(
      fc.property(validBulletin(), (b) => {
        expect(agree(b)).toBe('fast');
      }),
      { numRuns: 300 },
    );
  });

  test('mutated bulletins get exactly zod’s verdict, value and issues (property)', () => {
    const seen = { fast: 0, zod: 0 };
    fc.assert(
      fc.property(mutatedBulletin, (b) => {
        seen[agree(b)]++;
      }),
      { numRuns: 1500 },
    );
    // Both paths must really be exercised.
    expect(seen.fast).toBeGreaterThan(100);
    expect(seen.zod).toBeGreaterThan(100);
  });

  test('any JSON value gets zod’s verdict (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        agree(v);
      }),
      { numRuns: 300 },
    );
  });

  test('extensions: JSON is copied as zod copies it; what zod refuses goes to zod', () => {
    const b = structuredClone(examplePolicyNotice) as Record<string, unknown>;
    b.extensions = JSON.parse('{"cap":{"z":[1,{"a":null}],"__proto__":{"x":1},"10":"ten"},"x-y":-0}');
    expect(agree(b)).toBe('fast');
    const parsed = safeParseBulletin(b);
    expect(parsed.success && Object.keys(parsed.data.extensions?.cap as object)).toEqual(['10', 'z']);
    b.extensions = { cap: { at: new Date(0) } };
    expect(agree(b)).toBe('zod');
    expect(issuesOf(b).map((i) => i.at)).toEqual(['$.extensions.cap']);
    b.extensions = { CAP: {} };
    expect(agree(b)).toBe('zod');
    expect(issuesOf(b).map((i) => i.message)).toEqual([
      expect.stringMatching(/^invalid key "CAP": expected a system name of lowercase letters/),
    ]);
  });

  test('lengths count code points, as zod does', () => {
    const b = structuredClone(examplePolicyNotice);
    b.contents[0]!.title = `Thông báo ${'😀'.repeat(290)}`; // 300 code points in 590 UTF-16 units
    expect(agree(b)).toBe('fast');
    b.contents[0]!.title += '\ud800'; // a lone surrogate counts as one
    expect(agree(b)).toBe('zod');
    expect(issuesOf(b).map((i) => i.at)).toEqual(['$.contents[0].title']);
  });

  test('code points are counted like zod counts them (property)', () => {
    const units = fc.constantFrom('a', 'ă', '\ud83d', '\ude00', '😀', '\udbff\udfff');
    fc.assert(
      fc.property(fc.array(units, { maxLength: 12 }), fc.integer({ min: 0, max: 12 }), (parts, max) => {
        const text = parts.join('');
        expect(codePointLength(text) <= max).toBe(z.string().max(max).safeParse(text).success);
        expect(codePointLength(text) >= max).toBe(z.string().min(max).safeParse(text).success);
      }),
      { numRuns: 500 },
    );
  });

  test('a broken cross-field rule falls back to zod and its message', () => {
    const b = structuredClone(exampleFloodWarning);
    b.schedule.end = b.schedule.start;
    expect(fastParseBulletin(b)).toBeUndefined();
    expect(issuesOf(b)[0]?.message).toMatch(/^expected end after start/);
  });

  test('optional fields given as undefined come back as zod returns them', () => {
    const b = { ...structuredClone(examplePolicyNotice), revokeReason: undefined };
    expect(agree(b)).toBe('fast');
    const r = safeParseBulletin(b);
    expect(r.success && 'revokeReason' in r.data).toBe(true);
  });
});

describe('duplicate checks', () => {
  test('short and long lists name the same first index', () => {
    for (const length of [5, 40]) {
      const b = structuredClone(examplePolicyNotice);
      const codes = Array.from({ length }, (_, i) => String(10_000 + i));
      codes[3] = codes[1]!;
      codes[length - 1] = codes[1]!;
      b.targets = { units: { at: '2025-07-01', codes } };
      expect(agree(b)).toBe('zod');
      expect(issuesOf(b).map((i) => `${i.at} ${i.message}`)).toEqual([
        `$.targets.units.codes[3] duplicate value "10001", already at index 1`,
        `$.targets.units.codes[${length - 1}] duplicate value "10001", already at index 1`,
      ]);
    }
  });
});

describe('shaper generator', () => {
  test('refuses schemas it cannot reproduce, such as transforms', () => {
    const transformed = z.object({ a: z.string().transform((s) => s.length) });
    expect(() => shaperEmitter().objectFunction(transformed)).toThrow(/unsupported zod type "pipe"/);
  });
});

describe('browser build', () => {
  test('swaps out every generated module the fast path imports (tsup.browser.config.ts)', () => {
    const source = readFileSync(new URL('./fast-path.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/from '(\.\/generated\/[^']+)'/g)].map((m) => m[1] ?? '');
    const config = readFileSync(new URL('../tsup.browser.config.ts', import.meta.url), 'utf8');
    const filter = new RegExp(/filter: \/(.+)\/ \}/.exec(config)?.[1] ?? 'no filter found');
    expect(imports).toHaveLength(2);
    for (const path of imports) expect(filter.test(path), path).toBe(true);
  });
});
