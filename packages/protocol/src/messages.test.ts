import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_SAMPLES, EVENT_SAMPLES, PRESENCE_SAMPLE, T0, T0_MS } from './__fixtures__/samples';
import { ERROR_CODES, errorCodeSchema } from './codes';
import { ProtocolError } from './errors';
import { newMessageId } from './ids';
import { describeIssue } from './issues';
import { createCommand, createEvent } from './jws';
import {
  COMMAND_SCHEMAS,
  COMMAND_TYPES,
  commandSchema,
  deviceConfigSchema,
  EVENT_SCHEMAS,
  envelopeSchema,
  eventSchema,
  MAX_TYPE_LENGTH,
  mediaSchema,
  playoutBulletinSchema,
  playoutSchema,
  presenceSchema,
  prioritySchema,
  ulidSchema,
} from './messages';

const deliverBody = COMMAND_SAMPLES['bulletin.deliver'].body as {
  bulletin: Record<string, unknown>;
  playout: Record<string, unknown>;
};

describe('message catalogue (§3, §5–§9)', () => {
  it('has a schema and a valid sample for every command of §6, discriminated by type', () => {
    expect(COMMAND_TYPES).toEqual([
      'welcome',
      'bulletin.deliver',
      'bulletin.revoke',
      'playback.stop',
      'live.start',
      'live.stop',
      'config.set',
      'keys.update',
      'receipts.commit',
      'device.ping',
      'device.selftest',
    ]);
    for (const type of COMMAND_TYPES) {
      const parsed = commandSchema.parse(COMMAND_SAMPLES[type]);
      expect(parsed.type).toBe(type);
      expect(COMMAND_SCHEMAS[type].safeParse({ ...COMMAND_SAMPLES[type], type: 'other' }).success).toBe(
        false,
      );
    }
  });

  it('has a schema for every event: hello, status, ack, receipt, alarm', () => {
    for (const [type, sample] of Object.entries(EVENT_SAMPLES)) {
      expect(eventSchema.parse(sample).type).toBe(type);
      expect(EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS].safeParse(sample).success).toBe(true);
    }
  });

  it('P-X14 the envelope takes any type of 1–64 characters and refuses an empty or longer one', () => {
    const base = { v: 1, id: '01JF0000000000000000000000', ts: T0, body: {} };
    for (const type of ['future.some-type', 'Ping', 'x', 'đổ.bộ', 't'.repeat(MAX_TYPE_LENGTH)])
      expect(envelopeSchema.safeParse({ ...base, type }).success).toBe(true);
    for (const type of ['', 't'.repeat(MAX_TYPE_LENGTH + 1), 3]) {
      const r = envelopeSchema.safeParse({ ...base, type });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['type']);
    }
  });

  it('P-E1 ignores unknown fields at every level', () => {
    const sample = structuredClone(COMMAND_SAMPLES['bulletin.deliver']) as Record<string, unknown> & {
      body: { bulletin: Record<string, unknown> };
    };
    sample.extension = 1;
    sample.body.bulletin.futureField = 'x';
    const parsed = commandSchema.parse(sample);
    expect('extension' in parsed).toBe(false);
    expect(parsed.type === 'bulletin.deliver' && 'futureField' in parsed.body.bulletin).toBe(false);
  });

  it('P-B1 a playout bulletin accepts any category string and any BCP 47 language, and needs at least one content', () => {
    const bulletin = {
      ...deliverBody.bulletin,
      category: 'a-category-from-2030',
      contents: [{ lang: 'bdq-Latn', text: 'x' }],
    };
    expect(playoutBulletinSchema.safeParse(bulletin).success).toBe(true);
    expect(playoutBulletinSchema.safeParse({ ...bulletin, contents: [] }).success).toBe(false);
    expect(playoutBulletinSchema.safeParse({ ...bulletin, contents: [{ lang: 'vi VN' }] }).success).toBe(
      false,
    );
    expect(playoutBulletinSchema.safeParse({ ...bulletin, title: undefined }).success).toBe(false);
  });

  it('P-B2 repeat.count defaults to 1 play, windows use ISO weekdays 1–7 and HH:MM, endAt follows startAt', () => {
    expect(
      playoutSchema.parse({ priority: 'normal', startAt: T0, repeat: { intervalSec: 60 } }).repeat,
    ).toEqual({ count: 1, intervalSec: 60 });
    const window = { days: [1, 7], from: '06:00', to: '07:30' };
    expect(playoutSchema.safeParse({ priority: 'normal', startAt: T0, windows: [window] }).success).toBe(
      true,
    );
    expect(
      playoutSchema.safeParse({ priority: 'normal', startAt: T0, windows: [{ ...window, days: [0] }] })
        .success,
    ).toBe(false);
    expect(
      playoutSchema.safeParse({ priority: 'normal', startAt: T0, windows: [{ ...window, days: [8] }] })
        .success,
    ).toBe(false);
    expect(
      playoutSchema.safeParse({ priority: 'normal', startAt: T0, windows: [{ ...window, from: '24:00' }] })
        .success,
    ).toBe(false);
    expect(
      playoutSchema.safeParse({ priority: 'normal', startAt: T0, windows: [{ ...window, to: '7:30' }] })
        .success,
    ).toBe(false);
    const issues = playoutSchema.safeParse({ priority: 'normal', startAt: T0, endAt: T0 }).error?.issues;
    expect(issues?.[0]?.path).toEqual(['endAt']);
  });

  it('P-Q1 knows exactly the three levels of TT 39/2020', () => {
    expect(prioritySchema.options).toEqual(['normal', 'priority', 'emergency']);
    expect(prioritySchema.safeParse('urgent').success).toBe(false);
  });

  it('P-T3 media travels by URL with sha256 and size, never inline', () => {
    const media = {
      url: 'https://media.example.vn/a.mp3',
      sha256: 'a'.repeat(64),
      size: 10,
      mime: 'audio/mpeg',
    };
    expect(mediaSchema.safeParse(media).success).toBe(true);
    expect(mediaSchema.safeParse({ ...media, url: 'data:audio/mpeg;base64,AAAA' }).success).toBe(false);
    expect(mediaSchema.safeParse({ ...media, sha256: undefined }).success).toBe(false);
    expect(mediaSchema.safeParse({ ...media, size: 1.5 }).success).toBe(false);
  });

  it('P-Q4 config.attentionSignal is a media reference, false (off) or absent (built-in tone)', () => {
    const media = {
      url: 'https://media.example.vn/tone.mp3',
      sha256: 'b'.repeat(64),
      size: 1,
      mime: 'audio/mpeg',
    };
    expect(deviceConfigSchema.safeParse({ configVersion: 1, attentionSignal: media }).success).toBe(true);
    expect(deviceConfigSchema.safeParse({ configVersion: 1, attentionSignal: false }).success).toBe(true);
    expect(deviceConfigSchema.safeParse({ configVersion: 1, attentionSignal: true }).success).toBe(false);
    expect(deviceConfigSchema.safeParse({ configVersion: 1, volume: 101 }).success).toBe(false);
  });

  it('P-H1 presence is {online, session, ts}', () => {
    expect(presenceSchema.parse(PRESENCE_SAMPLE)).toEqual(PRESENCE_SAMPLE);
    expect(presenceSchema.safeParse({ online: 'yes', session: 1, ts: T0 }).success).toBe(false);
    expect(presenceSchema.safeParse({ online: false, ts: T0 }).success).toBe(false);
  });

  it('P-H2 hello requires kind, capabilities and protocols including 1', () => {
    const hello = EVENT_SAMPLES.hello;
    expect(EVENT_SCHEMAS.hello.safeParse(hello).success).toBe(true);
    expect(EVENT_SCHEMAS.hello.safeParse({ ...hello, body: { ...hello.body, kind: 'siren' } }).success).toBe(
      false,
    );
    expect(EVENT_SCHEMAS.hello.safeParse({ ...hello, body: { ...hello.body, protocols: [2] } }).success).toBe(
      false,
    );
    expect(
      EVENT_SCHEMAS.hello.safeParse({ ...hello, body: { ...hello.body, units: ['5200'] } }).success,
    ).toBe(false);
  });

  it('P-H4 status carries state, volume, configVersion, uptimeSec and deviceTime', () => {
    const status = EVENT_SAMPLES.status;
    expect(EVENT_SCHEMAS.status.safeParse(status).success).toBe(true);
    const { deviceTime: _t, ...noTime } = status.body;
    expect(EVENT_SCHEMAS.status.safeParse({ ...status, body: noTime }).success).toBe(false);
    expect(
      EVENT_SCHEMAS.status.safeParse({ ...status, body: { ...status.body, state: 'sleeping' } }).success,
    ).toBe(false);
  });

  it('P-M2 an ack may say duplicate; ok:false needs a §9 code', () => {
    const ack = EVENT_SAMPLES.ack;
    expect(EVENT_SCHEMAS.ack.safeParse({ ...ack, body: { ...ack.body, duplicate: true } }).success).toBe(
      true,
    );
    expect(EVENT_SCHEMAS.ack.safeParse({ ...ack, body: { ref: 'x', ok: false } }).success).toBe(false);
    expect(
      EVENT_SCHEMAS.ack.safeParse({ ...ack, body: { ref: 'x', ok: false, code: 'expired' } }).success,
    ).toBe(true);
    expect(EVENT_SCHEMAS.ack.safeParse({ ...ack, body: { ref: 'x', ok: false, code: 'oops' } }).success).toBe(
      false,
    );
  });

  it('P-R1 a receipt has a receipt number ≥ 1 and one of the five outcomes', () => {
    const receipt = EVENT_SAMPLES.receipt;
    expect(EVENT_SCHEMAS.receipt.safeParse({ ...receipt, body: { ...receipt.body, seq: 0 } }).success).toBe(
      false,
    );
    expect(
      EVENT_SCHEMAS.receipt.safeParse({ ...receipt, body: { ...receipt.body, outcome: 'played' } }).success,
    ).toBe(false);
    for (const outcome of ['completed', 'interrupted', 'preempted', 'failed', 'skipped']) {
      expect(
        EVENT_SCHEMAS.receipt.safeParse({ ...receipt, body: { ...receipt.body, outcome } }).success,
      ).toBe(true);
    }
  });

  it('P-X9 events carry seq ≥ 1 and no addressee', () => {
    const event = createEvent('alarm', { code: 'media_integrity' }, { seq: 1, now: T0_MS });
    expect(event).toMatchObject({ v: 1, type: 'alarm', seq: 1, ts: T0 });
    expect('to' in event).toBe(false);
    expect(() => createEvent('alarm', { code: 'media_integrity' }, { seq: 0 })).toThrow(/seq/);
  });

  it('§9 has the thirteen stable error codes, alarms for forgery, unknown keys, misrouting and media', () => {
    expect(Object.keys(ERROR_CODES)).toHaveLength(13);
    expect(errorCodeSchema.options).toContain('unsupported_capability');
    expect(
      Object.entries(ERROR_CODES)
        .filter(([, c]) => c.alarm)
        .map(([code]) => code),
    ).toEqual(expect.arrayContaining(['bad_signature', 'unknown_key', 'misrouted', 'media_integrity']));
    expect(ERROR_CODES.expired.alarm).toBe(false);
  });

  it('newMessageId makes ULIDs that sort by time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), (ms) => {
        const a = newMessageId(ms);
        const b = newMessageId(ms + 1);
        expect(ulidSchema.safeParse(a).success).toBe(true);
        expect(a.slice(0, 10) < b.slice(0, 10)).toBe(true);
      }),
    );
    expect(() => newMessageId(-1)).toThrow(RangeError);
  });

  it('never throws on arbitrary JSON, only reports issues (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof commandSchema.safeParse(value).success).toBe('boolean');
        expect(typeof eventSchema.safeParse(value).success).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
  it('explains invalid input: where, what was expected and what was found', () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        if (ProtocolError.isInstance(error)) return error.message;
      }
      return 'no error';
    };
    expect(message(() => createCommand('receipts.commit', { upTo: -1 }, { to: 'dev:loa-001' }))).toBe(
      'body.upTo: expected a number ≥ 0, found -1',
    );
    expect(message(() => createCommand('bulletin.revoke', {} as never, { to: 'dev:loa-001' }))).toBe(
      'body.bulletinId: expected string, found nothing',
    );
    expect(
      message(() =>
        createCommand(
          'live.start',
          { ...(COMMAND_SAMPLES['live.start'].body as object), format: 'rtsp' } as never,
          { to: 'dev:loa-001' },
        ),
      ),
    ).toBe('body.format: expected one of "hls", "icecast", found "rtsp"');
    expect(message(() => createCommand('device.ping', {}, { to: 'province:52' }))).toBe(
      'to: expected "dev:{deviceId}" or "area:{unitCode}"',
    );
  });

  it('describes every issue of arbitrary input without throwing (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = commandSchema.safeParse(value, { reportInput: true });
        for (const issue of r.error?.issues ?? []) expect(describeIssue(issue).length).toBeGreaterThan(3);
      }),
      { numRuns: 300 },
    );
  });
});
