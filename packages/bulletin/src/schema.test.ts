import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Bulletin,
  BulletinError,
  exampleFloodWarning,
  examplePolicyNotice,
  parseBulletin,
  parseBulletinJson,
  safeParseBulletin,
} from './index';
import { validBulletin } from './test-arbitraries';

const clone = (b: Bulletin): Bulletin => structuredClone(b);

/** Parses and returns the issues as "at: message" lines (empty when valid). */
function problems(input: unknown): string[] {
  const r = safeParseBulletin(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.at}: ${i.message}`);
}

describe('sample bulletins', () => {
  test('the flood warning and the policy notice are valid and come back unchanged', () => {
    expect(parseBulletin(exampleFloodWarning)).toEqual(exampleFloodWarning);
    expect(parseBulletin(examplePolicyNotice)).toEqual(examplePolicyNotice);
  });
});

describe('field rules', () => {
  test('every problem is listed with its JSON path, not only the first', () => {
    const b = clone(exampleFloodWarning) as Record<string, unknown>;
    b.priority = 'urgent';
    b.channels = ['radio_ip', 'loudspeaker'];
    (b.contents as Bulletin['contents'])[0]!.audio!.sha256 = 'ABC';
    const lines = problems(b);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\$\.priority: .*"normal"\|"priority"\|"emergency"/);
    expect(lines[1]).toMatch(/^\$\.channels\[1\]: /);
    expect(lines[2]).toBe(
      '$.contents[0].audio.sha256: expected a sha256 digest of 64 lowercase hex characters',
    );
  });

  test('a missing field says so', () => {
    const { author: _author, ...rest } = clone(examplePolicyNotice);
    expect(problems(rest)).toEqual(['$.author: required field is missing (expected object)']);
  });

  test('a misspelt field is named', () => {
    const b = { ...clone(examplePolicyNotice), titel: 'x' };
    expect(problems(b)).toEqual(['$: unknown field(s) "titel": check the spelling']);
  });

  test('language tags must be well-formed BCP 47', () => {
    const b = clone(examplePolicyNotice);
    b.contents[0]!.lang = 'vietnamese';
    expect(problems(b)[0]).toBe(
      '$.contents[0].lang: expected a BCP 47 language tag such as "vi", "jra" or "cjm-Cham"',
    );
  });

  test('broadcast windows are HH:MM with from before to', () => {
    const b = clone(examplePolicyNotice);
    b.schedule.windows = [{ from: '18:00', to: '17:00' }];
    expect(problems(b)).toEqual([
      '$.schedule.windows[0].to: expected "to" after "from" (18:00), found 17:00',
    ]);
    b.schedule.windows = [{ from: '6:00', to: '07:00' }];
    expect(problems(b)[0]).toMatch(/^\$\.schedule\.windows\[0\]\.from: expected a time "HH:MM"/);
  });

  test('media MIME types must fit their slot', () => {
    const b = clone(exampleFloodWarning);
    b.contents[0]!.audio!.mime = 'image/png';
    expect(problems(b)).toEqual([
      '$.contents[0].audio.mime: expected a audio/* MIME type, found "image/png"',
    ]);
  });
});

describe('cross-field rules', () => {
  test('end must be after start', () => {
    const b = clone(examplePolicyNotice);
    b.schedule.end = '2026-11-30T00:00:00+07:00';
    expect(problems(b)).toEqual([
      '$.schedule.end: expected end after start (2026-12-01T00:00:00+07:00), found 2026-11-30T00:00:00+07:00',
    ]);
  });

  test('repeats must start before the end', () => {
    const b = clone(exampleFloodWarning);
    b.schedule.repeat = { count: 100, intervalSec: 3600 };
    expect(problems(b)[0]).toMatch(/^\$\.schedule\.repeat: expected all 100 plays to start before end/);
  });

  test('each language appears once', () => {
    const b = clone(exampleFloodWarning);
    b.contents[1]!.lang = 'VI';
    b.contents[1]!.title = 'Cảnh báo lũ';
    b.contents[1]!.text = 'Cảnh báo lũ trên sông Ba.';
    expect(problems(b)).toEqual([
      '$.contents[1].lang: language "VI" already used by contents[0]; each language appears once',
    ]);
  });

  test('a Vietnamese content is required', () => {
    const b = clone(exampleFloodWarning);
    b.contents = [b.contents[1]!];
    expect(problems(b)).toEqual(['$.contents: expected a Vietnamese ("vi") content, found only "jra"']);
    b.contents = [];
    expect(problems(b)).toEqual(['$.contents: expected at least one content']);
    b.contents = [{ ...clone(examplePolicyNotice).contents[0]!, lang: 'VN' }];
    expect(problems(b)).toEqual([
      '$.contents: expected a Vietnamese ("vi") content, found only "vn" ("vn" is not a language tag for Vietnamese: use "vi")',
    ]);
  });

  test('a draft may lack the Vietnamese content and targets, as an imported foreign alert does', () => {
    const draft = clone(examplePolicyNotice);
    draft.contents = [{ lang: 'en-CA', title: 'Special weather statement', text: 'Heavy rain is expected.' }];
    draft.targets = {};
    expect(problems(draft)).toEqual([]);
    expect(problems({ ...draft, status: 'submitted' })).toEqual([
      '$.contents: expected a Vietnamese ("vi") content, found only "en-ca"',
      '$.targets: status submitted needs at least one target: units.codes, deviceGroups or devices (only a draft may have none)',
    ]);
  });

  test('emergency bulletins need an end, a fitting category, no windows and a device channel', () => {
    const b = clone(exampleFloodWarning);
    b.category = 'policy';
    b.schedule = { start: b.schedule.start, windows: [{ from: '06:00', to: '07:00' }] };
    b.channels = ['sms'];
    expect(problems(b)).toEqual([
      '$.category: emergency bulletins must be category disaster_emergency or security_order, found policy',
      '$.schedule.end: emergency bulletins need schedule.end, when the warning stops',
      '$.schedule.windows: emergency bulletins play at once and ignore broadcast windows; remove schedule.windows',
      '$.channels: emergency bulletins need a channel that plays at once: radio_ip or board',
    ]);
  });

  test('workflow states need their approvals and times', () => {
    const b = clone(exampleFloodWarning);
    b.status = 'revoked';
    b.approvals = [];
    expect(problems(b)).toEqual([
      '$.approvals: status revoked needs an approval with decision "approved"',
      '$.revokedAt: status revoked needs revokedAt',
      '$.revokeReason: status revoked needs revokeReason',
    ]);
  });

  test('times cannot run backwards', () => {
    const b = clone(exampleFloodWarning);
    b.publishedAt = '2026-11-26T07:00:00Z';
    expect(problems(b)).toEqual([
      '$.publishedAt: expected a time not before createdAt (2026-11-26T07:50:00Z), found 2026-11-26T07:00:00Z',
    ]);
  });

  test('times in different forms compare by instant, not by text', () => {
    const b = clone(exampleFloodWarning);
    b.publishedAt = '2026-11-26T14:59:00+07:00'; // 07:59Z, after createdAt 07:50Z
    b.updatedAt = '2026-11-26T07:49:59.999Z'; // before createdAt
    expect(problems(b)).toEqual([
      '$.updatedAt: expected a time not before createdAt (2026-11-26T07:50:00Z), found 2026-11-26T07:49:59.999Z',
    ]);
    b.updatedAt = '2026-11-26T07:50:00.5Z';
    b.schedule.end = '2026-11-26T15:00:00+07:00'; // 08:00Z, equal to start
    expect(problems(b)[0]).toMatch(/^\$\.schedule\.end: expected end after start/);
  });

  test('radio needs something to play and boards something to show', () => {
    const b = clone(exampleFloodWarning);
    const { text: _t, audio: _a, ...rest } = b.contents[1]!;
    b.contents[1] = rest;
    expect(problems(b)).toEqual([
      '$.contents[1]: channel radio_ip needs something to play in each content: "text" (read by TTS) or "audio"',
      '$.contents[1]: channel board needs something to show in each content: "text", "images" or "video"',
    ]);
  });

  test('targets need at least one entry from submission on, and no duplicates', () => {
    const b = clone(examplePolicyNotice);
    b.targets = {};
    expect(problems(b)).toEqual([]); // a draft may have no target yet
    b.status = 'submitted';
    b.submittedAt = '2026-11-26T03:00:00Z';
    expect(problems(b)).toEqual([
      '$.targets: status submitted needs at least one target: units.codes, deviceGroups or devices (only a draft may have none)',
    ]);
    b.targets = { devices: ['radio-1', 'radio-1'] };
    expect(problems(b)).toEqual(['$.targets.devices[1]: duplicate value "radio-1", already at index 0']);
  });
});

describe('language and script', () => {
  test('Vietnamese typed without accents is refused', () => {
    const b = clone(examplePolicyNotice);
    b.contents[0]!.text =
      'Uy ban nhan dan xa thong bao cac ho ngheo dang ky ho tro nha o truoc ngay 15 thang 12.';
    expect(problems(b)[0]).toMatch(/^\$\.contents\[0\]\.text: expected Vietnamese letters with diacritics/);
  });

  test('Khmer content must be in Khmer script', () => {
    const b = clone(examplePolicyNotice);
    b.contents.push({ lang: 'km', title: 'Canh bao lu', text: 'Thong bao' });
    expect(problems(b)).toEqual([
      '$.contents[1].title: expected Khmer script for "km", found 0% Khmer letters (9 letters)',
      '$.contents[1].text: expected Khmer script for "km", found 0% Khmer letters (8 letters)',
    ]);
    b.contents[1] = { lang: 'km', title: 'ការជូនដំណឹង', text: 'ការជូនដំណឹងអំពីគោលនយោបាយ' };
    expect(problems(b)).toEqual([]);
  });

  test('a script subtag is honoured and unknown languages are not checked', () => {
    const b = clone(examplePolicyNotice);
    b.contents.push({ lang: 'cjm-Cham', title: 'Cham latin title', text: 'x' });
    expect(problems(b)[0]).toMatch(/^\$\.contents\[1\]\.title: expected Cham script/);
    b.contents[1] = { lang: 'xyz', title: 'ការជូនដំណឹង', text: 'Any script at all' };
    expect(problems(b)).toEqual([]);
  });
});

describe('JSON text', () => {
  test('bad JSON reports line and column', () => {
    const text = '{\n  "id": "x",\n  "version": 1,,\n}';
    let error: unknown;
    try {
      parseBulletinJson(text, 'flood.json');
    } catch (e) {
      error = e;
    }
    expect(BulletinError.isInstance(error)).toBe(true);
    expect((error as BulletinError).code).toBe('invalid_json');
    expect((error as BulletinError).message).toMatch(/^flood\.json:3:16: not valid JSON/);
  });
});

describe('JSON text from Windows editors', () => {
  test('a UTF-8 byte-order mark is accepted', () => {
    expect(parseBulletinJson(`\ufeff${JSON.stringify(examplePolicyNotice)}`)).toEqual(examplePolicyNotice);
  });
});

describe('properties', () => {
  test('any JSON value gives a bulletin or a BulletinError with issues, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.constant(exampleFloodWarning).chain(mutate)), (value) => {
        const r = safeParseBulletin(value);
        if (!r.success) {
          expect(BulletinError.isInstance(r.error)).toBe(true);
          expect(r.error.issues.length).toBeGreaterThan(0);
          for (const issue of r.error.issues) expect(issue.at.startsWith('$')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('any text gives a bulletin or a BulletinError (invalid_json or invalid_bulletin), never a crash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constant(JSON.stringify(exampleFloodWarning)).map((t) => t.slice(0, t.length / 2)),
        ),
        (text) => {
          try {
            parseBulletinJson(text);
          } catch (error) {
            expect(BulletinError.isInstance(error)).toBe(true);
            expect(['invalid_json', 'invalid_bulletin']).toContain((error as BulletinError).code);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('generated valid bulletins round-trip through JSON', () => {
    fc.assert(
      fc.property(validBulletin(), (b) => {
        const parsed = parseBulletin(b);
        expect(parseBulletin(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
      }),
      { numRuns: 200 },
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

/** The flood warning with one value, at any depth, replaced by an arbitrary JSON value. */
function mutate(b: Bulletin): fc.Arbitrary<unknown> {
  const paths = pathsOf(b).filter((p) => p.length > 0);
  return fc.record({ path: fc.constantFrom(...paths), value: fc.jsonValue() }).map(({ path, value }) => {
    const copy = structuredClone(b) as unknown as Record<string | number, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path.at(-1) as string | number] = value;
    return copy;
  });
}
