import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { generateDocuments } from '../scripts/generate-schema';
import { COMMAND_SAMPLES, EVENT_SAMPLES, PRESENCE_SAMPLE, T0 } from './__fixtures__/samples';
import {
  COMMAND_SCHEMAS,
  COMMAND_TYPES,
  commandSchema,
  EVENT_SCHEMAS,
  eventSchema,
  presenceSchema,
} from './messages';
import { EVENT_TYPES } from './topics';

const schemaDir = fileURLToPath(new URL('../schema/', import.meta.url));
const read = (path: string) => readFileSync(join(schemaDir, path), 'utf8');

// Formats are carried by `pattern` as well, so ajv needs no format plugin; strict mode still refuses
// any keyword it does not know.
const ajv = new Ajv2020({ strict: true, validateFormats: false, allErrors: true });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
for (const path of generateDocuments().keys()) {
  if (path.startsWith('json/')) validators.set(path.slice(5), ajv.compile(JSON.parse(read(path))));
}
const validator = (path: string) => {
  const v = validators.get(path);
  if (v === undefined) throw new Error(`no schema ${path}`);
  return v;
};

type Sample = Record<string, unknown>;
const set = (sample: Sample, path: string[], value: unknown): Sample => {
  const copy = structuredClone(sample);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1) as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
};

describe('generated documents', () => {
  it('the committed schema/ files equal a fresh generation (run `npm run generate`)', () => {
    const fresh = generateDocuments();
    const committed = (readdirSync(schemaDir, { recursive: true }) as string[])
      .filter((p) => p.endsWith('.json'))
      .sort();
    expect(committed).toEqual([...fresh.keys()].sort());
    for (const [path, text] of fresh) expect(read(path), path).toBe(text);
  });

  it('has one JSON Schema per command and event, draft 2020-12, that ajv compiles', () => {
    for (const type of COMMAND_TYPES) expect(validators.has(`command/${type}.schema.json`)).toBe(true);
    for (const type of EVENT_TYPES) expect(validators.has(`event/${type}.schema.json`)).toBe(true);
    expect(JSON.parse(read('json/command/bulletin.deliver.schema.json')).$schema).toBe(
      'https://json-schema.org/draft/2020-12/schema',
    );
    expect(validators.size).toBe(COMMAND_TYPES.length + EVENT_TYPES.length + 4);
  });

  it('P-T4 the AsyncAPI document sends commands and events at QoS 1 and retains only presence', () => {
    const doc = JSON.parse(read('asyncapi.json')) as {
      operations: Record<
        string,
        { channel: { $ref: string }; bindings: { mqtt: { qos: number; retain: boolean } } }
      >;
    };
    const operations = Object.values(doc.operations);
    expect(operations).toHaveLength(3 + EVENT_TYPES.length);
    for (const op of operations) {
      expect(op.bindings.mqtt.qos).toBe(1);
      expect(op.bindings.mqtt.retain).toBe(op.channel.$ref === '#/channels/presence');
    }
  });

  it('the AsyncAPI 3.0 document parses with @asyncapi/parser without errors or warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(read('asyncapi.json'));
    const problems = diagnostics
      .filter((d) => d.severity <= 1)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const addresses =
      document
        ?.channels()
        .all()
        .map((c) => c.address()) ?? [];
    expect(addresses).toEqual(
      expect.arrayContaining([
        'nguon/v1/{p}/dev/{deviceId}/cmd',
        'nguon/v1/{p}/area/{unitCode}',
        'nguon/v1/{p}/dev/{deviceId}/presence',
        ...EVENT_TYPES.map((t) => `nguon/v1/{p}/dev/{deviceId}/evt/${t}`),
      ]),
    );
    expect(document?.channels().get('deviceCommands')?.messages().all()).toHaveLength(COMMAND_TYPES.length);
  });
});

describe('ajv agrees with zod', () => {
  const cases: [string, Sample][] = [
    ...COMMAND_TYPES.map((t): [string, Sample] => [`command/${t}.schema.json`, COMMAND_SAMPLES[t]]),
    ...EVENT_TYPES.map((t): [string, Sample] => [
      `event/${t}.schema.json`,
      EVENT_SAMPLES[t] as unknown as Sample,
    ]),
  ];
  const zodFor = (path: string) => {
    const [kind, file] = path.split('/') as [string, string];
    const type = file.replace('.schema.json', '');
    return kind === 'command'
      ? COMMAND_SCHEMAS[type as keyof typeof COMMAND_SCHEMAS]
      : EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS];
  };

  const mutations: [string, string[], unknown][] = [
    ['v 2', ['v'], 2],
    ['no id', ['id'], undefined],
    ['id not a ULID', ['id'], 'not-a-ulid'],
    ['ts with offset (P-X4)', ['ts'], '2026-11-26T15:00:00+07:00'],
    ['ts not a date', ['ts'], '2026-13-40T00:00:00Z'],
    ['body an array', ['body'], []],
    ['no body', ['body'], undefined],
  ];

  it.each(cases)('%s: the sample is valid for both', (path, sample) => {
    expect(zodFor(path).safeParse(sample).success).toBe(true);
    expect(validator(path)(sample), JSON.stringify(validator(path).errors)).toBe(true);
  });

  it.each(cases)('%s: both refuse the same broken envelopes', (path, sample) => {
    for (const [label, at, value] of mutations) {
      const broken = set(sample, at, value);
      expect(zodFor(path).safeParse(broken).success, label).toBe(false);
      expect(validator(path)(broken), label).toBe(false);
    }
    const extra = set(sample, ['futureField'], { any: 1 });
    expect(zodFor(path).safeParse(extra).success).toBe(true);
    expect(validator(path)(extra)).toBe(true);
  });

  it('both refuse broken bodies the same way', () => {
    const deliver = COMMAND_SAMPLES['bulletin.deliver'];
    const bodies: [string, string[], unknown][] = [
      ['priority unknown', ['body', 'playout', 'priority'], 'urgent'],
      ['sha256 upper case', ['body', 'media', '0', 'sha256'], 'A'.repeat(64)],
      ['media url not http', ['body', 'media', '0', 'url'], 'ftp://x.vn/a.mp3'],
      ['size negative', ['body', 'media', '0', 'size'], -1],
      ['no contents', ['body', 'bulletin', 'contents'], []],
      ['repeat count 0', ['body', 'playout', 'repeat', 'count'], 0],
      ['lang not BCP 47', ['body', 'bulletin', 'contents', '0', 'lang'], 'vi_VN'],
      ['to unknown form', ['to'], 'province:52'],
    ];
    for (const [label, at, value] of bodies) {
      const broken = set(deliver, at, value);
      expect(COMMAND_SCHEMAS['bulletin.deliver'].safeParse(broken).success, label).toBe(false);
      expect(validator('command/bulletin.deliver.schema.json')(broken), label).toBe(false);
      expect(validator('command.schema.json')(broken), label).toBe(false);
    }
    expect(validator('command.schema.json')(deliver)).toBe(true);
    expect(commandSchema.safeParse(deliver).success).toBe(true);
  });

  it('the union schemas and presence agree with zod', () => {
    for (const type of EVENT_TYPES) {
      expect(validator('event.schema.json')(EVENT_SAMPLES[type])).toBe(
        eventSchema.safeParse(EVENT_SAMPLES[type]).success,
      );
    }
    const unknownType = { ...COMMAND_SAMPLES['device.ping'], type: 'device.reboot' };
    expect(validator('command.schema.json')(unknownType)).toBe(false);
    expect(commandSchema.safeParse(unknownType).success).toBe(false);
    expect(validator('presence.schema.json')(PRESENCE_SAMPLE)).toBe(true);
    expect(validator('presence.schema.json')({ ...PRESENCE_SAMPLE, session: -1 })).toBe(
      presenceSchema.safeParse({ ...PRESENCE_SAMPLE, session: -1 }).success,
    );
  });

  it('documents the cross-field rules JSON Schema cannot state (checked by zod only)', () => {
    // These differences are listed in the README; if JSON Schema ever carries them, update both.
    const zodOnly: [string, Sample][] = [
      ['command/bulletin.deliver.schema.json', set(COMMAND_SAMPLES['bulletin.deliver'], ['exp'], T0)],
      [
        'command/bulletin.deliver.schema.json',
        set(COMMAND_SAMPLES['bulletin.deliver'], ['body', 'playout', 'endAt'], T0),
      ],
      ['event/ack.schema.json', set(EVENT_SAMPLES.ack as unknown as Sample, ['body', 'ok'], false)],
      ['event/hello.schema.json', set(EVENT_SAMPLES.hello as unknown as Sample, ['body', 'protocols'], [2])],
    ];
    for (const [path, sample] of zodOnly) {
      expect(zodFor(path).safeParse(sample).success, path).toBe(false);
      expect(validator(path)(sample), path).toBe(true);
    }
  });
});
