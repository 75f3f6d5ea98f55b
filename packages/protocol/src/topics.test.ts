import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors';
import {
  areaTopic,
  commandTopic,
  deviceAcl,
  deviceSubscriptions,
  EVENT_TYPES,
  eventTopic,
  parseTopic,
  presenceTopic,
  safeParseTopic,
  systemSubscriptions,
} from './topics';

const deviceId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,63}$/);
const province = fc.stringMatching(/^[0-9]{2}$/);
const unit = fc.oneof(
  fc.stringMatching(/^[0-9]{2}$/),
  fc.stringMatching(/^[0-9]{3}$/),
  fc.stringMatching(/^[0-9]{5}$/),
);

function expectTopicError(topic: string, rule = 'P-X12') {
  try {
    parseTopic(topic);
  } catch (error) {
    expect(ProtocolError.isInstance(error) && error.code).toBe('invalid_topic');
    expect((error as ProtocolError).rule).toBe(rule);
    return error as ProtocolError;
  }
  throw new Error(`expected ${topic} to be refused`);
}

describe('topics (§2)', () => {
  it('builds the four topic forms', () => {
    expect(commandTopic('52', 'loa-001')).toBe('nguon/v1/52/dev/loa-001/cmd');
    expect(areaTopic('52', '52001')).toBe('nguon/v1/52/area/52001');
    expect(eventTopic('52', 'loa-001', 'receipt')).toBe('nguon/v1/52/dev/loa-001/evt/receipt');
    expect(presenceTopic('52', 'loa-001')).toBe('nguon/v1/52/dev/loa-001/presence');
  });

  it('P-T2 refuses a device id outside ^[a-z0-9][a-z0-9-]{2,63}$ in builders and parsers', () => {
    expect(() => commandTopic('52', 'Loa-001')).toThrow(/device id/);
    expect(() => commandTopic('52', 'ab')).toThrow(ProtocolError);
    expect(() => commandTopic('52', `a${'b'.repeat(64)}`)).toThrow(ProtocolError);
    expect(commandTopic('52', `a${'b'.repeat(63)}`)).toContain('/dev/a');
    expectTopicError('nguon/v1/52/dev/-loa/cmd', 'P-T2');
  });

  it('P-X10 refuses province and unit codes that are not GSO codes', () => {
    expect(() => areaTopic('052', '52')).toThrow(/province code/);
    expect(() => areaTopic('52', '5200')).toThrow(/unit code/);
    expectTopicError('nguon/v1/5/area/52', 'P-X10');
    expectTopicError('nguon/v1/52/area/52a', 'P-X10');
  });

  it('P-X12 refuses foreign, other-version, wildcard and misshapen topics', () => {
    for (const topic of [
      'nguon/v2/52/dev/loa-001/cmd',
      'other/v1/52/dev/loa-001/cmd',
      'nguon/v1/52/dev/loa-001',
      'nguon/v1/52/dev/loa-001/cmd/extra',
      'nguon/v1/52/dev/loa-001/evt/reboot',
      'nguon/v1/52/dev/loa-001/evt',
      'nguon/v1/52/dev/+/evt/+',
      'nguon/v1/52/area/52/x',
      'nguon/v1/52/devices/loa-001/cmd',
      '',
      '/nguon/v1/52/dev/loa-001/cmd',
    ]) {
      const error = expectTopicError(topic, topic.includes('/+/') ? 'P-T2' : undefined);
      expect(error.message).toContain('expected');
    }
    expect(() => eventTopic('52', 'loa-001', 'reboot' as never)).toThrow(/event type/);
  });

  it('parses every form back into its parts (property)', () => {
    fc.assert(
      fc.property(province, deviceId, unit, fc.constantFrom(...EVENT_TYPES), (p, d, u, e) => {
        expect(parseTopic(commandTopic(p, d))).toEqual({ kind: 'cmd', province: p, deviceId: d });
        expect(parseTopic(areaTopic(p, u))).toEqual({ kind: 'area', province: p, unitCode: u });
        expect(parseTopic(eventTopic(p, d, e))).toEqual({
          kind: 'event',
          province: p,
          deviceId: d,
          event: e,
        });
        expect(parseTopic(presenceTopic(p, d))).toEqual({ kind: 'presence', province: p, deviceId: d });
      }),
    );
  });

  it('gives a typed error, never a crash, for any string (property)', () => {
    const levels = fc.array(
      fc.oneof(
        fc.constantFrom('nguon', 'v1', '52', 'dev', 'area', 'cmd', 'evt', 'ack', 'loa-001', '+', '#', ''),
        fc.string(),
      ),
      {
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          levels.map((l) => l.join('/')),
        ),
        (topic) => {
          try {
            const parsed = parseTopic(topic);
            // Whatever parses, builds back to the same topic.
            const rebuilt =
              parsed.kind === 'cmd'
                ? commandTopic(parsed.province, parsed.deviceId)
                : parsed.kind === 'area'
                  ? areaTopic(parsed.province, parsed.unitCode)
                  : parsed.kind === 'event'
                    ? eventTopic(parsed.province, parsed.deviceId, parsed.event)
                    : presenceTopic(parsed.province, parsed.deviceId);
            expect(rebuilt).toBe(topic);
          } catch (error) {
            expect(ProtocolError.isInstance(error)).toBe(true);
            expect(safeParseTopic(topic)).toBeUndefined();
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('P-TP1 a device subscribes to its cmd topic and every unit it lies in, the province included', () => {
    expect(deviceSubscriptions('52', 'loa-001', ['52001', '520'])).toEqual([
      'nguon/v1/52/dev/loa-001/cmd',
      'nguon/v1/52/area/52001',
      'nguon/v1/52/area/520',
      'nguon/v1/52/area/52',
    ]);
    expect(deviceSubscriptions('52', 'loa-001', ['52', '52001'])).toHaveLength(3);
  });

  it('P-TP2 a device ACL grants only its own topics and never publishing on area topics', () => {
    const acl = deviceAcl('52', 'loa-001', ['52001']);
    expect(acl.publish).toEqual([
      'nguon/v1/52/dev/loa-001/evt/hello',
      'nguon/v1/52/dev/loa-001/evt/status',
      'nguon/v1/52/dev/loa-001/evt/ack',
      'nguon/v1/52/dev/loa-001/evt/receipt',
      'nguon/v1/52/dev/loa-001/evt/alarm',
      'nguon/v1/52/dev/loa-001/presence',
    ]);
    expect(acl.publish.some((t) => t.includes('/area/'))).toBe(false);
    expect([...acl.publish, ...acl.subscribe].some((t) => t.includes('loa-002'))).toBe(false);
    expect(acl.subscribe).toContain('nguon/v1/52/area/52');
  });

  it('gives the system its wildcard subscriptions', () => {
    expect(systemSubscriptions('52')).toEqual(['nguon/v1/52/dev/+/evt/+', 'nguon/v1/52/dev/+/presence']);
  });
});
