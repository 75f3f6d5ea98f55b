import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BULLETIN_SCHEMAS,
  type Bulletin,
  bulletinJsonSchemas,
  exampleFloodWarning,
  examplePolicyNotice,
  safeParseBulletin,
} from './index';
import { validBulletin } from './test-arbitraries';

const schemaDir = new URL('../schema/', import.meta.url);

function compile(schema: object) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('generated JSON Schema', () => {
  test('the committed schema/*.json files equal a fresh generation (run `npm run generate` if not)', () => {
    const fresh = bulletinJsonSchemas();
    const committed = readdirSync(schemaDir).filter((f) => f.endsWith('.json'));
    expect(committed.sort()).toEqual(
      Object.keys(fresh)
        .map((n) => `${n}.json`)
        .sort(),
    );
    for (const [name, schema] of Object.entries(fresh)) {
      expect(readFileSync(new URL(`${name}.json`, schemaDir), 'utf8'), name).toBe(
        `${JSON.stringify(schema, null, 2)}\n`,
      );
    }
  });

  test('ajv (draft 2020-12, strict) compiles every schema', () => {
    for (const [name, schema] of Object.entries(bulletinJsonSchemas())) {
      expect(schema.$schema, name).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(() => compile(schema), name).not.toThrow();
    }
    expect(Object.keys(bulletinJsonSchemas())).toEqual(Object.keys(BULLETIN_SCHEMAS));
  });

  const validate = compile(bulletinJsonSchemas().bulletin);

  test('ajv and zod agree on the sample bulletins', () => {
    for (const b of [exampleFloodWarning, examplePolicyNotice]) {
      expect(validate(b)).toBe(true);
      expect(safeParseBulletin(b).success).toBe(true);
    }
  });

  const structuralBreaks: [string, (b: Record<string, unknown>) => void][] = [
    [
      'unknown priority',
      (b) => {
        b.priority = 'urgent';
      },
    ],
    [
      'missing id',
      (b) => {
        delete b.id;
      },
    ],
    [
      'unknown field',
      (b) => {
        b.extra = 1;
      },
    ],
    [
      'bad sha256',
      (b) => {
        (b.contents as Bulletin['contents'])[0]!.audio!.sha256 = 'xyz';
      },
    ],
    [
      'bad date-time',
      (b) => {
        b.createdAt = '26/11/2026 08:00';
      },
    ],
    [
      'bad unit code',
      (b) => {
        (b.targets as Bulletin['targets']).units!.codes = ['6'];
      },
    ],
    [
      'no channel',
      (b) => {
        b.channels = [];
      },
    ],
    [
      'bad window',
      (b) => {
        (b.schedule as Bulletin['schedule']).windows = [{ from: '25:00', to: '26:00' }];
      },
    ],
    [
      'version 0',
      (b) => {
        b.version = 0;
      },
    ],
    [
      'size as string',
      (b) => {
        (b.contents as Bulletin['contents'])[0]!.audio!.size = '12' as never;
      },
    ],
  ];
  test.each(structuralBreaks)('ajv and zod both reject: %s', (_name, breakIt) => {
    const b = structuredClone(exampleFloodWarning) as Record<string, unknown>;
    breakIt(b);
    expect(validate(b)).toBe(false);
    expect(safeParseBulletin(b).success).toBe(false);
  });

  test('whatever zod accepts, ajv accepts too', () => {
    fc.assert(
      fc.property(validBulletin(), (b) => {
        expect(safeParseBulletin(b).success).toBe(true);
        expect(validate(b), JSON.stringify(validate.errors)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test('whatever ajv rejects, zod rejects too (zod adds cross-field rules on top)', () => {
    const paths = pathsOf(exampleFloodWarning).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const b = structuredClone(exampleFloodWarning) as unknown as Record<string | number, unknown>;
        let node = b;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
        node[path.at(-1) as string | number] = value;
        if (!validate(b)) expect(safeParseBulletin(b).success).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

/** Every path to a value inside `value`. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [
    prefix,
    ...keys.flatMap((k) => pathsOf((value as Record<string | number, unknown>)[k], [...prefix, k])),
  ];
}
