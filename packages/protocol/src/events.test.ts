import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_SAMPLES, PRESENCE_SAMPLE } from './__fixtures__/samples';
import { parseEvent, parsePresence } from './events';
import { MAX_PAYLOAD_BYTES } from './jws';

const topic = (type: string) => `nguon/v1/52/dev/loa-52001-001/evt/${type}`;
const presence = 'nguon/v1/52/dev/loa-52001-001/presence';

describe('parseEvent (system side)', () => {
  it('P-X13 reads an event whose type matches its topic, with the device from the topic', () => {
    const r = parseEvent(topic('ack'), JSON.stringify(EVENT_SAMPLES.ack));
    expect(r).toMatchObject({
      ok: true,
      deviceId: 'loa-52001-001',
      province: '52',
      event: { type: 'ack', body: { ok: true } },
    });
    const bytes = new TextEncoder().encode(JSON.stringify(EVENT_SAMPLES.hello));
    expect(parseEvent(topic('hello'), bytes).ok).toBe(true);
  });

  it('P-X13 refuses an event published on another type’s topic', () => {
    const r = parseEvent(topic('status'), JSON.stringify(EVENT_SAMPLES.ack));
    expect(r.ok || [r.error.code, r.error.rule, r.error.message]).toEqual([
      'invalid_message',
      'P-X13',
      'type: expected "status" as the topic says, found "ack"',
    ]);
  });

  it('P-X9 names the field at fault in an invalid event', () => {
    const bad = { ...EVENT_SAMPLES.status, body: { ...EVENT_SAMPLES.status.body, volume: 140 } };
    const r = parseEvent(topic('status'), JSON.stringify(bad));
    expect(r.ok || r.error.message).toBe('body.volume: expected a number ≤ 100, found 140');
  });

  it('P-E2 refuses another protocol version, P-T3 oversize and non-JSON payloads', () => {
    const v2 = parseEvent(topic('ack'), JSON.stringify({ ...EVENT_SAMPLES.ack, v: 2 }));
    expect(v2.ok || v2.error.code).toBe('unsupported_version');
    const big = parseEvent(topic('ack'), 'x'.repeat(MAX_PAYLOAD_BYTES + 1));
    expect(big.ok || big.error.rule).toBe('P-X3');
    const junk = parseEvent(topic('ack'), new Uint8Array([0x7b, 0xff]));
    expect(junk.ok || junk.error.code).toBe('invalid_message');
  });

  it('P-S4 sends receipts to verifyReceipt and refuses non-event topics', () => {
    const receipt = parseEvent(topic('receipt'), JSON.stringify(EVENT_SAMPLES.receipt));
    expect(receipt.ok || receipt.error.message).toMatch(/verifyReceipt/);
    const cmd = parseEvent('nguon/v1/52/dev/loa-52001-001/cmd', JSON.stringify(EVENT_SAMPLES.ack));
    expect(cmd.ok || cmd.error.code).toBe('invalid_topic');
  });

  it('P-H1 reads presence and refuses a malformed one', () => {
    expect(parsePresence(presence, JSON.stringify(PRESENCE_SAMPLE))).toMatchObject({
      ok: true,
      presence: PRESENCE_SAMPLE,
      deviceId: 'loa-52001-001',
    });
    const bad = parsePresence(
      presence,
      JSON.stringify({ online: true, session: -1, ts: PRESENCE_SAMPLE.ts }),
    );
    expect(bad.ok || [bad.error.code, bad.error.path]).toEqual(['invalid_message', 'session']);
    const cleared = parsePresence(presence, '');
    expect(cleared.ok).toBe(false);
    expect(parsePresence(topic('ack'), JSON.stringify(PRESENCE_SAMPLE)).ok).toBe(false);
  });

  it('never throws on any topic and payload (property)', () => {
    const topics = fc.oneof(
      fc.string(),
      fc.constantFrom(topic('ack'), topic('hello'), topic('status'), topic('alarm'), presence),
    );
    const payloads = fc.oneof(
      fc.string(),
      fc.json(),
      fc.uint8Array({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify({ ...EVENT_SAMPLES.alarm, body: v })),
    );
    fc.assert(
      fc.property(topics, payloads, (t, p) => {
        const e = parseEvent(t, p);
        const q = parsePresence(t, p);
        if (!e.ok) expect(typeof e.error.code).toBe('string');
        if (!q.ok) expect(typeof q.error.code).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
