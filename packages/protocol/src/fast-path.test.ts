import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { shaperEmitter, shapersSource, shapersTypes } from '../scripts/shaper-source';
import { validatorsSource, validatorsTypes } from '../scripts/validator-source';
import { COMMAND_SAMPLES, EVENT_SAMPLES, PRESENCE_SAMPLE, T0 } from './__fixtures__/samples';
import { codePointLength } from './code-points';
import { endAtIsAfterStartAt, expIsAfterTs } from './cross-field';
import { type Parsed, safeParseCommand, safeParseEventOf, safeParsePresence } from './fast-path';
import { checkCommand } from './jws';
import { COMMAND_SCHEMAS, COMMAND_TYPES, EVENT_SCHEMAS, presenceSchema } from './messages';
import { EVENT_TYPES, type EventType } from './topics';

type Json = Record<string | number, unknown>;
type Kind = { name: string; sample: Json; fast: (v: unknown) => Parsed<unknown>; zod: z.ZodMiniType };

const KINDS: Kind[] = [
  ...COMMAND_TYPES.map((t) => ({
    name: `command ${t}`,
    sample: COMMAND_SAMPLES[t] as Json,
    fast: (v: unknown) => safeParseCommand(t, v) as Parsed<unknown>,
    zod: COMMAND_SCHEMAS[t] as z.ZodMiniType,
  })),
  ...EVENT_TYPES.map((t: EventType) => ({
    name: `event ${t}`,
    sample: EVENT_SAMPLES[t] as unknown as Json,
    fast: (v: unknown) => safeParseEventOf(t, v) as Parsed<unknown>,
    zod: EVENT_SCHEMAS[t] as z.ZodMiniType,
  })),
  { name: 'presence', sample: PRESENCE_SAMPLE, fast: safeParsePresence, zod: presenceSchema },
];

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

// Values that fit somewhere in a message, so that a mutation often keeps the shapes valid and breaks
// (or keeps) a cross-field rule, a default or a stripped field instead.
const plausible = fc.constantFrom(
  ...new Set([
    ...KINDS.flatMap((k) => leaves(k.sample)),
    T0,
    '2026-11-26T07:00:00Z',
    '2026-11-26T09:00:00.5Z',
    '2026-11-26T15:00:00+07:00',
    'AUDIO/MPEG',
    '😀'.repeat(64),
    '',
    0,
    1,
    2,
    -1,
    1.5,
    true,
    false,
    null,
    [],
    [1],
    [2],
    {},
    { count: 2 },
    { intervalSec: 60 },
    { future: 'field' },
  ]),
);

const mutated = fc.constantFrom(...KINDS).chain((kind) =>
  fc
    .tuple(
      fc.constantFrom(...pathsOf(kind.sample)),
      fc.oneof(
        { weight: 4, arbitrary: plausible },
        { weight: 1, arbitrary: fc.jsonValue() },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant('delete') },
        { weight: 1, arbitrary: fc.constant('add unknown field') },
      ),
    )
    .map(([path, value]) => {
      const wrapper: Json = { root: structuredClone(kind.sample) };
      let node = wrapper;
      for (const key of ['root', ...path].slice(0, -1)) node = node[key] as Json;
      const last = path.length === 0 ? 'root' : (path.at(-1) as string | number);
      if (value === 'delete') delete node[last];
      else if (value === 'add unknown field') {
        const target = node[last];
        if (typeof target === 'object' && target !== null && !Array.isArray(target))
          (target as Json).futureField = { nested: [1] };
      } else node[last] = structuredClone(value);
      return { kind, value: wrapper.root };
    }),
);

/** The fast path gives exactly zod's result: verdict, value (keys in zod's order) and issues. */
function agree(kind: Kind, input: unknown) {
  const fast = kind.fast(input);
  const slow = kind.zod.safeParse(input, { reportInput: true });
  expect(fast.success).toBe(slow.success);
  if (fast.success) {
    expect(fast.data).toStrictEqual(slow.data);
    expect(JSON.stringify(fast.data)).toBe(JSON.stringify(slow.data));
  } else expect(fast.error?.issues).toEqual(slow.error?.issues);
}

describe('generated validators', () => {
  it('src/generated/validators.* equal a fresh generation (run `npm run generate` if not)', () => {
    const dir = new URL('./generated/', import.meta.url);
    expect(readFileSync(new URL('validators.js', dir), 'utf8')).toBe(validatorsSource());
    expect(readFileSync(new URL('validators.d.ts', dir), 'utf8')).toBe(validatorsTypes);
    expect(readFileSync(new URL('shapers.js', dir), 'utf8')).toBe(shapersSource());
    expect(readFileSync(new URL('shapers.d.ts', dir), 'utf8')).toBe(shapersTypes);
  });

  it('the shaper generator refuses schemas it cannot reproduce, such as transforms', () => {
    const transformed = z.object({
      n: z.pipe(
        z.string(),
        z.transform((s: string) => s.length),
      ),
    });
    expect(() => shaperEmitter().objectFunction(transformed)).toThrow(/unsupported zod type "pipe"/);
  });

  it('zod regexes carry no flag that would make a JSON Schema pattern accept more than zod', () => {
    const flags = new Set<string>();
    const seen = new Set<unknown>();
    const walk = (value: unknown) => {
      if (typeof value !== 'object' || value === null || seen.has(value)) return;
      seen.add(value);
      if (value instanceof RegExp) flags.add(value.flags);
      else for (const v of Object.values(value)) walk(v);
    };
    for (const kind of KINDS) walk(kind.zod._zod.def);
    // `i` only makes zod more lenient: such inputs are refused by ajv and then accepted by zod.
    expect([...flags].filter((f) => f !== '' && f !== 'i')).toEqual([]);
  });

  it('every zod refinement of the catalogue is one the fast path runs', () => {
    const found: string[] = [];
    const seen = new Set<unknown>();
    const walk = (schema: z.core.$ZodType, at: string) => {
      if (seen.has(schema)) return;
      seen.add(schema);
      const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
      for (const check of def.checks ?? []) if (check._zod.def.check === 'custom') found.push(at || '(root)');
      const children: [string, unknown][] = [
        ...Object.entries((def.shape as Record<string, unknown>) ?? {}),
        ['[]', def.element],
        ['', def.innerType],
        ...((def.options as unknown[]) ?? []).map((o): [string, unknown] => ['', o]),
      ];
      for (const [key, child] of children)
        if (child) walk(child as z.core.$ZodType, key === '' ? at : `${at}.${key}`);
    };
    for (const kind of KINDS) {
      seen.clear();
      walk(kind.zod, kind.name);
    }
    // If this list grows, add the new rule to fast-path.ts (COMMAND_RULES, EVENT_RULES) first.
    expect(found.sort()).toEqual(
      [
        ...COMMAND_TYPES.map((t) => `command ${t}`),
        'command bulletin.deliver.body.playout',
        'event ack.body',
        'event hello.body.protocols',
      ].sort(),
    );
  });
});

describe('fast path', () => {
  it.each(KINDS.map((k) => [k.name, k] as const))('%s: the sample gives zod’s result', (_, kind) => {
    agree(kind, kind.sample);
    expect(kind.fast(kind.sample).success).toBe(true);
  });

  it('mutated messages get exactly zod’s verdict, value and issues (property)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutated, ({ kind, value }) => {
        agree(kind, value);
        if (kind.fast(value).success) accepted++;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('any JSON value gets zod’s verdict (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.jsonValue(), (kind, value) => agree(kind, value)),
      { numRuns: 300 },
    );
  });

  it('fills defaults and drops unknown fields like zod', () => {
    const deliver = structuredClone(COMMAND_SAMPLES['bulletin.deliver']) as Json;
    const body = deliver.body as { playout: Json };
    body.playout.repeat = { future: true };
    deliver.extra = 1;
    const r = safeParseCommand('bulletin.deliver', deliver);
    expect(r.success && r.data.body.playout.repeat).toStrictEqual({ count: 1, intervalSec: 0 });
    expect(r.success && 'extra' in r.data).toBe(false);
  });

  it('each cross-field rule sends the message to zod, which explains it', () => {
    const cases: [Kind, Json, string][] = [
      [KINDS[1]!, { ...COMMAND_SAMPLES['bulletin.deliver'], exp: T0 }, 'exp'],
      [KINDS[0]!, { ...COMMAND_SAMPLES.welcome, exp: '2026-11-26T07:59:59Z' }, 'exp'],
    ];
    const deliver = structuredClone(COMMAND_SAMPLES['bulletin.deliver']) as { body: { playout: Json } };
    deliver.body.playout.endAt = deliver.body.playout.startAt;
    cases.push([KINDS[1]!, deliver as unknown as Json, 'body.playout.endAt']);
    const ack = KINDS.find((k) => k.name === 'event ack')!;
    cases.push([ack, { ...ack.sample, body: { ref: 'x', ok: false } }, 'body.code']);
    const hello = KINDS.find((k) => k.name === 'event hello')!;
    cases.push([
      hello,
      { ...hello.sample, body: { ...(hello.sample.body as Json), protocols: [2] } },
      'body.protocols',
    ]);
    for (const [kind, input, path] of cases) {
      const r = kind.fast(input);
      expect(r.success, kind.name).toBe(false);
      expect(
        r.error?.issues.map((i) => i.path.join('.')),
        kind.name,
      ).toEqual([path]);
    }
  });

  it('counts code points like zod (property)', () => {
    const units = fc.constantFrom('a', 'ă', '\ud83d', '\ude00', '😀', '\udbff\udfff');
    fc.assert(
      fc.property(fc.array(units, { maxLength: 12 }), fc.integer({ min: 0, max: 12 }), (parts, n) => {
        const text = parts.join('');
        expect(codePointLength(text) <= n).toBe(z.string().check(z.maxLength(n)).safeParse(text).success);
        expect(codePointLength(text) >= n).toBe(z.string().check(z.minLength(n)).safeParse(text).success);
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkCommand', () => {
  it('returns the command, or the first problem with its path and rule', () => {
    const ok = checkCommand(COMMAND_SAMPLES['bulletin.deliver']);
    expect(ok.ok && ok.command.type).toBe('bulletin.deliver');
    const broken = structuredClone(COMMAND_SAMPLES['bulletin.deliver']) as { body: { media: Json[] } };
    broken.body.media[0]!.size = -1;
    const bad = checkCommand(broken);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && [bad.error.code, bad.error.path, bad.error.rule]).toEqual([
      'invalid_message',
      'body.media.0.size',
      'P-S2',
    ]);
    const unknown = checkCommand({ ...COMMAND_SAMPLES['device.ping'], type: 'device.reboot' });
    expect(!unknown.ok && unknown.error.code).toBe('unsupported_type');
    expect(!checkCommand(null).ok).toBe(true);
  });
});

describe('time order of the cross-field rules', () => {
  it('comparing UTC times as text agrees with Date.parse (property)', () => {
    const time = fc
      .tuple(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 0, max: 6 }),
      )
      .map(([ms, digits]) => {
        const iso = new Date(ms).toISOString(); // …ss.mmmZ
        const fraction = `${iso.slice(20, 23)}${'0'.repeat(3)}`.slice(0, digits);
        return `${iso.slice(0, 19)}${digits ? `.${fraction}` : ''}Z`;
      });
    fc.assert(
      fc.property(time, time, fc.boolean(), (ts, exp, same) => {
        const b = same ? `${exp.slice(0, 19)}${ts.slice(19)}` : exp;
        expect(expIsAfterTs({ ts, exp: b })).toBe(Date.parse(b) > Date.parse(ts));
        expect(endAtIsAfterStartAt({ startAt: ts, endAt: b })).toBe(Date.parse(b) > Date.parse(ts));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('browser build', () => {
  it('swaps out every generated module the fast path imports (tsup.browser.config.ts)', () => {
    const source = readFileSync(new URL('./fast-path.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/from '(\.\/generated\/[^']+)'/g)].map((m) => m[1] ?? '');
    const config = readFileSync(new URL('../tsup.browser.config.ts', import.meta.url), 'utf8');
    const filter = new RegExp(/filter: \/(.+)\/ \}/.exec(config)?.[1] ?? 'no filter found');
    expect(imports).toHaveLength(2);
    for (const path of imports) expect(filter.test(path), path).toBe(true);
  });
});
