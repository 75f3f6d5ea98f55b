import { ProtocolError } from './errors';

/**
 * The first two levels of every v1 topic.
 *
 * @example `topic.startsWith(TOPIC_ROOT)`
 */
export const TOPIC_ROOT = 'nguon/v1';

/**
 * Device events and the topic level that names them (§2).
 *
 * @example `EVENT_TYPES.map((t) => eventTopic('52', 'loa-001', t))`
 */
export const EVENT_TYPES = ['hello', 'status', 'ack', 'receipt', 'alarm'] as const;

/**
 * A device event type: `hello`, `status`, `ack`, `receipt` or `alarm`.
 *
 * @example
 * ```ts
 * const t: EventType = 'receipt';
 * ```
 */
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * P-T2: a device id.
 *
 * @example `DEVICE_ID_PATTERN.test('loa-001'); // true`
 */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;
/**
 * P-X10: a GSO province code (the `{p}` level).
 *
 * @example `PROVINCE_CODE_PATTERN.test('52'); // true`
 */
export const PROVINCE_CODE_PATTERN = /^[0-9]{2}$/;
/**
 * P-X10: a GSO unit code: province (2 digits), district (3) or commune/ward (5).
 *
 * @example `UNIT_CODE_PATTERN.test('52001'); // true`
 */
export const UNIT_CODE_PATTERN = /^(?:[0-9]{2}|[0-9]{3}|[0-9]{5})$/;

/**
 * A parsed protocol topic (§2).
 *
 * @example
 * ```ts
 * const t: Topic = parseTopic('nguon/v1/52/dev/loa-001/evt/ack');
 * if (t.kind === 'event') console.log(t.deviceId, t.event);
 * ```
 */
export type Topic =
  | { kind: 'cmd'; province: string; deviceId: string }
  | { kind: 'area'; province: string; unitCode: string }
  | { kind: 'event'; province: string; deviceId: string; event: EventType }
  | { kind: 'presence'; province: string; deviceId: string };

function check(value: string, pattern: RegExp, what: string, rule: 'P-T2' | 'P-X10', path: string): string {
  if (!pattern.test(value)) {
    throw new ProtocolError(
      'invalid_topic',
      `${what}: expected ${pattern.source}, found ${JSON.stringify(value)}`,
      {
        rule,
        path,
      },
    );
  }
  return value;
}

const province = (p: string) => check(p, PROVINCE_CODE_PATTERN, 'province code', 'P-X10', 'province');
const device = (d: string) => check(d, DEVICE_ID_PATTERN, 'device id', 'P-T2', 'deviceId');
const unit = (u: string) => check(u, UNIT_CODE_PATTERN, 'unit code', 'P-X10', 'unitCode');

/**
 * The topic on which the system sends signed commands to one device: `nguon/v1/{p}/dev/{deviceId}/cmd`.
 * Throws a {@link ProtocolError} `invalid_topic` for a bad province code or device id.
 *
 * @example
 * ```ts
 * commandTopic('52', 'loa-001'); // 'nguon/v1/52/dev/loa-001/cmd'
 * ```
 */
export function commandTopic(provinceCode: string, deviceId: string): string {
  return `${TOPIC_ROOT}/${province(provinceCode)}/dev/${device(deviceId)}/cmd`;
}

/**
 * The topic on which the system sends one signed command to every device of a unit:
 * `nguon/v1/{p}/area/{unitCode}`.
 *
 * @example
 * ```ts
 * areaTopic('52', '52'); // 'nguon/v1/52/area/52' — the whole province
 * ```
 */
export function areaTopic(provinceCode: string, unitCode: string): string {
  return `${TOPIC_ROOT}/${province(provinceCode)}/area/${unit(unitCode)}`;
}

/**
 * The topic on which a device publishes one kind of event: `nguon/v1/{p}/dev/{deviceId}/evt/{type}`.
 *
 * @example
 * ```ts
 * eventTopic('52', 'loa-001', 'ack'); // 'nguon/v1/52/dev/loa-001/evt/ack'
 * ```
 */
export function eventTopic(provinceCode: string, deviceId: string, event: EventType): string {
  if (!(EVENT_TYPES as readonly string[]).includes(event)) {
    throw new ProtocolError(
      'invalid_topic',
      `event type: expected one of ${EVENT_TYPES.join(', ')}, found ${JSON.stringify(event)}`,
      {
        rule: 'P-X12',
        path: 'event',
      },
    );
  }
  return `${TOPIC_ROOT}/${province(provinceCode)}/dev/${device(deviceId)}/evt/${event}`;
}

/**
 * The retained presence topic of a device (also its MQTT will): `nguon/v1/{p}/dev/{deviceId}/presence`.
 *
 * @example
 * ```ts
 * presenceTopic('52', 'loa-001'); // 'nguon/v1/52/dev/loa-001/presence'
 * ```
 */
export function presenceTopic(provinceCode: string, deviceId: string): string {
  return `${TOPIC_ROOT}/${province(provinceCode)}/dev/${device(deviceId)}/presence`;
}

function fail(topic: string, expected: string, path: string): never {
  throw new ProtocolError('invalid_topic', `topic ${JSON.stringify(topic)}: expected ${expected}`, {
    rule: 'P-X12',
    path,
  });
}

/**
 * Parses an MQTT topic into a {@link Topic}. Any topic that is not exactly one of the four forms of
 * §2 (another version, a wildcard, an empty or invalid level, a foreign root) throws a
 * {@link ProtocolError} with code `invalid_topic`, the rule broken and the level at fault in `path`.
 *
 * @example
 * ```ts
 * parseTopic('nguon/v1/52/area/52001'); // { kind: 'area', province: '52', unitCode: '52001' }
 * ```
 */
export function parseTopic(topic: string): Topic {
  if (typeof topic !== 'string') fail(String(topic), 'a string', 'topic');
  const levels = topic.split('/');
  if (levels[0] !== 'nguon') fail(topic, 'the first level to be "nguon"', 'levels[0]');
  if (levels[1] !== 'v1')
    fail(topic, `protocol level "v1", found ${JSON.stringify(levels[1] ?? '')}`, 'levels[1]');
  const p = province(levels[2] ?? '');
  if (levels[3] === 'area') {
    if (levels.length !== 5) fail(topic, 'nguon/v1/{p}/area/{unitCode} (5 levels)', 'levels');
    return { kind: 'area', province: p, unitCode: unit(levels[4] ?? '') };
  }
  if (levels[3] !== 'dev')
    fail(topic, `"dev" or "area" at level 3, found ${JSON.stringify(levels[3] ?? '')}`, 'levels[3]');
  const deviceId = device(levels[4] ?? '');
  const leaf = levels[5];
  if (leaf === 'cmd' && levels.length === 6) return { kind: 'cmd', province: p, deviceId };
  if (leaf === 'presence' && levels.length === 6) return { kind: 'presence', province: p, deviceId };
  if (leaf === 'evt' && levels.length === 7) {
    const event = levels[6] as EventType;
    if (!(EVENT_TYPES as readonly string[]).includes(event)) {
      fail(
        topic,
        `an event type (${EVENT_TYPES.join(', ')}) at level 6, found ${JSON.stringify(event)}`,
        'levels[6]',
      );
    }
    return { kind: 'event', province: p, deviceId, event };
  }
  return fail(topic, '…/dev/{deviceId}/cmd, …/presence or …/evt/{type}', 'levels[5]');
}

/**
 * Like {@link parseTopic} but returns `undefined` for a topic that is not a protocol topic, for
 * message handlers that receive foreign traffic.
 *
 * @example
 * ```ts
 * safeParseTopic('$SYS/broker/uptime'); // undefined
 * ```
 */
export function safeParseTopic(topic: string): Topic | undefined {
  try {
    return parseTopic(topic);
  } catch (error) {
    if (ProtocolError.isInstance(error)) return undefined;
    throw error;
  }
}

/**
 * The topic filters a device subscribes to (P-TP1): its own `cmd` topic and `area/{code}` for every
 * unit it lies in (commune/ward, district where that level exists, and the province itself — the
 * province is added when missing). Duplicates are removed.
 *
 * @example
 * ```ts
 * deviceSubscriptions('52', 'loa-001', ['52001', '520']);
 * // ['nguon/v1/52/dev/loa-001/cmd', 'nguon/v1/52/area/52001', 'nguon/v1/52/area/520', 'nguon/v1/52/area/52']
 * ```
 */
export function deviceSubscriptions(
  provinceCode: string,
  deviceId: string,
  units: readonly string[],
): string[] {
  const codes = [...new Set([...units, provinceCode])];
  return [commandTopic(provinceCode, deviceId), ...codes.map((code) => areaTopic(provinceCode, code))];
}

/**
 * The MQTT topic filters the source system subscribes to: every device's events and presence.
 *
 * @example
 * ```ts
 * systemSubscriptions('52'); // ['nguon/v1/52/dev/+/evt/+', 'nguon/v1/52/dev/+/presence']
 * ```
 */
export function systemSubscriptions(provinceCode: string): string[] {
  const p = province(provinceCode);
  return [`${TOPIC_ROOT}/${p}/dev/+/evt/+`, `${TOPIC_ROOT}/${p}/dev/+/presence`];
}

/**
 * What one device may do on the broker (P-TP2), as exact topics: subscribe to its `cmd` topic and its
 * units' area topics; publish its events and its presence. A broker ACL (aedes hooks, a Mosquitto
 * acl file) is generated from this list.
 *
 * @example
 * ```ts
 * const acl = deviceAcl('52', 'loa-001', ['52001']);
 * acl.publish.includes('nguon/v1/52/dev/loa-001/evt/ack'); // true
 * ```
 */
export function deviceAcl(
  provinceCode: string,
  deviceId: string,
  units: readonly string[],
): { subscribe: string[]; publish: string[] } {
  return {
    subscribe: deviceSubscriptions(provinceCode, deviceId, units),
    publish: [
      ...EVENT_TYPES.map((event) => eventTopic(provinceCode, deviceId, event)),
      presenceTopic(provinceCode, deviceId),
    ],
  };
}
