// Examples of the OpenAPI document for the API's own bodies; bulletin examples come from
// @nguon/bulletin. Tests validate every one against its zod schema and, in the document, with ajv.
import { exampleFloodWarning } from '@nguon/bulletin';
import { deviceAcl } from '@nguon/protocol';

const DEVICE_ID = 'loa-24065-001';
const COMMAND_ID = '01JDXH2Q9R8S7T6V5W4X3Y2Z1A';

export const tokenCreatedExample = {
  id: '01JDXA0B1C2D3E4F5G6H7J8K9M',
  token: 'ngn_5tq2Jx0bQ8fS1mV9wK3rZ7yC4hL6pD2e',
  role: 'editor',
  units: ['52'],
  label: 'Biên tập viên Sở VHTTDL Gia Lai',
  createdAt: '2026-11-26T01:00:00Z',
};

export const deviceRegisteredExample = {
  id: DEVICE_ID,
  mqtt: {
    url: 'mqtts://mqtt.nguon.example.vn:8883',
    wsUrl: 'wss://mqtt.nguon.example.vn/mqtt',
    username: DEVICE_ID,
    password: 'shown-once-7Gk2pQ9x',
  },
  topics: deviceAcl('52', DEVICE_ID, ['24065']),
  trust: [{ kid: 'gl-2026-1', publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
  trustVersion: 1,
};

export const deviceExample = {
  id: DEVICE_ID,
  kind: 'radio',
  units: ['24065'],
  vendor: 'Acme Audio',
  model: 'IPL-200',
  firmware: '2.4.1',
  publicKey: 'zbLEnYrYaKy8lehN-r79p9MpuFcJeUCJM2oTTDoDs7Q',
  registeredAt: '2026-10-02T03:00:00Z',
  presence: { online: true, since: '2026-11-26T00:12:09Z' },
  lastStatus: {
    state: 'idle',
    volume: 70,
    configVersion: 4,
    uptimeSec: 29_160,
    deviceTime: '2026-11-26T08:18:10Z',
  },
  lastStatusAt: '2026-11-26T08:18:09Z',
  clockOffsetMs: 850,
};

export const commandResultExample = {
  id: COMMAND_ID,
  deviceId: DEVICE_ID,
  type: 'device.ping',
  state: 'acked',
  sentAt: '2026-11-26T08:20:00Z',
  expiresAt: '2026-11-26T08:25:00Z',
  ack: { ref: COMMAND_ID, ok: true, deviceTime: '2026-11-26T08:20:01Z' },
};

export const deliveryExample = {
  bulletinId: exampleFloodWarning.id,
  version: exampleFloodWarning.version,
  targeted: 3,
  acked: 3,
  played: 2,
  failed: 0,
  pending: 1,
  byUnit: [{ unitCode: '24065', targeted: 3, acked: 3, played: 2, failed: 0, pending: 1 }],
  devices: [
    {
      deviceId: DEVICE_ID,
      state: 'played',
      ackedAt: '2026-11-26T08:00:02Z',
      playedAt: '2026-11-26T08:01:05Z',
      outcome: 'completed',
    },
    {
      deviceId: 'loa-24065-002',
      state: 'played',
      ackedAt: '2026-11-26T08:00:02Z',
      playedAt: '2026-11-26T08:01:04Z',
      outcome: 'completed',
    },
    { deviceId: 'bang-24065-001', state: 'acked', ackedAt: '2026-11-26T08:00:03Z' },
  ],
  updatedAt: '2026-11-26T08:01:06Z',
};

export const feedbackExample = {
  id: '01JDXK4M5N6P7Q8R9S0T1V2W3X',
  unitCode: '24065',
  subject: 'Loa thôn 3',
  text: 'Loa ở thôn 3 phát nhỏ, bà con ở cuối thôn không nghe rõ.',
  channel: 'web',
  status: 'answered',
  receivedAt: '2026-11-25T10:00:00Z',
  replies: [
    {
      id: '01JDXM5N6P7Q8R9S0T1V2W3X4Y',
      text: 'UBND xã đã cho kiểm tra và chỉnh âm lượng loa thôn 3.',
      by: { name: 'Ủy ban nhân dân xã Ia Rbol' },
      at: '2026-11-26T02:30:00Z',
    },
  ],
};

export const broadcastReportExample = {
  from: '2026-11-01T00:00:00Z',
  to: '2026-12-01T00:00:00Z',
  units: [{ unitCode: '24065', plays: 412, minutesOnAir: 1_836.5, bulletins: 37, devicesReporting: 3 }],
  totals: { plays: 412, minutesOnAir: 1_836.5, bulletins: 37, devicesReporting: 3 },
};

export const unitPageExample = {
  items: [
    {
      code: '24065',
      level: 'commune',
      name: 'Xã Ia Rbol',
      shortName: 'Ia Rbol',
      nameEn: 'Ia Rbol Commune',
      type: 'commune',
      parent: '52',
      validFrom: '2025-07-01',
      validTo: null,
    },
  ],
  nextCursor: 'MjQwNjU',
};

const flood = exampleFloodWarning;
const floodVi = flood.contents.find((c) => c.lang === 'vi');

export const jsonFeedExample = {
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Thông tin thiết yếu — Xã Ia Rbol',
  feed_url: 'https://nguon.example.vn/v1/feeds/24065.json',
  language: 'vi',
  items: [
    {
      id: `${flood.id}/${flood.version}`,
      title: floodVi?.title ?? '',
      content_text: floodVi?.text,
      date_published: flood.publishedAt,
      language: 'vi',
      tags: [flood.category, flood.priority],
      _nguon: {
        bulletinId: flood.id,
        version: flood.version,
        priority: flood.priority,
        category: flood.category,
        status: 'published',
      },
    },
  ],
};

/**
 * Example answer of `GET /v1/bulletins/{id}/history`: created, submitted, published by an approver.
 *
 * @example
 * ```ts
 * bulletinHistoryExample.items.at(-1)?.action; // 'publish'
 * ```
 */
export const bulletinHistoryExample = {
  items: [
    {
      at: '2026-11-26T01:00:02.000Z',
      actor: { id: '01JDQ3V6Y8C8W5T2M9K4N7P1RB', role: 'editor' },
      action: 'create',
      from: null,
      to: 'draft',
      version: 1,
    },
    {
      at: '2026-11-26T01:05:00.000Z',
      actor: { id: '01JDQ3V6Y8C8W5T2M9K4N7P1RB', role: 'editor' },
      action: 'submit',
      from: 'draft',
      to: 'submitted',
      version: 1,
    },
    {
      at: '2026-11-26T01:20:00.000Z',
      actor: { id: '01JDQ3W2A1B2C3D4E5F6G7H8JK', role: 'approver' },
      action: 'publish',
      from: 'submitted',
      to: 'published',
      version: 1,
      note: 'Đã duyệt, phát ngay',
    },
  ],
};
