// One valid envelope for every command and event of the catalogue, shared by the schema tests, the
// ajv agreement test and the README's worked example.
import type { CommandType } from '../messages';

export const T0 = '2026-11-26T08:00:00.000Z';
export const T0_MS = Date.parse(T0);
export const SHA = 'a3f1c9a0e5b7d2c4f6e8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e';

const base = (type: string, id: string) => ({ v: 1, id, type, ts: T0, exp: '2026-11-26T09:00:00.000Z', to: 'area:52' });

export const COMMAND_SAMPLES: Record<CommandType, Record<string, unknown>> = {
  welcome: {
    ...base('welcome', '01KBX00000000000000WE1C0ME'),
    to: 'dev:loa-52001-001',
    body: {
      helloId: '01KBX000000000000000HE1100',
      serverTime: T0,
      heartbeatSec: 60,
      config: { configVersion: 3, volume: 70, emergencyVolume: 100, languages: ['jra', 'vi'], timeZone: 'Asia/Ho_Chi_Minh' },
      trust: [{ kid: 'gl-test-2026-1', publicKey: 'pycXa-6Ts3XmkK6hakRJZHxasvU0M0yAyj_5-oM7NEM' }],
      trustVersion: 1,
      receiptsCommittedUpTo: 0,
    },
  },
  'bulletin.deliver': {
    ...base('bulletin.deliver', '01KBX00000000000000DE11VER'),
    body: {
      bulletin: {
        id: 'gl-2026-000123',
        version: 1,
        category: 'disaster',
        priority: 'emergency',
        title: 'Bão số 9: sơ tán khẩn cấp',
        contents: [
          { lang: 'vi', title: 'Bão số 9', text: 'Bão số 9 đổ bộ trong đêm nay. Người dân vùng trũng sơ tán ngay.', mediaSha256: SHA },
          { lang: 'jra', text: 'Angin prong…', tts: { voice: 'jra', rate: 0.8 } },
        ],
      },
      playout: { priority: 'emergency', startAt: T0, endAt: '2026-11-26T12:00:00.000Z', repeat: { count: 3, intervalSec: 900 } },
      media: [{ url: 'https://media.example.vn/b/gl-2026-000123-vi.mp3', sha256: SHA, size: 482133, mime: 'audio/mpeg', durationSec: 61.5, lang: 'vi' }],
    },
  },
  'bulletin.revoke': { ...base('bulletin.revoke', '01KBX00000000000000REV0KE0'), body: { bulletinId: 'gl-2026-000123' } },
  'playback.stop': { ...base('playback.stop', '01KBX0000000000000000ST0P0'), body: {} },
  'live.start': {
    ...base('live.start', '01KBX0000000000000011VESTA'),
    body: { url: 'https://live.example.vn/gl/vov1.m3u8', format: 'hls', priority: 'priority', until: '2026-11-26T08:30:00.000Z' },
  },
  'live.stop': { ...base('live.stop', '01KBX00000000000000011VEST'), body: {} },
  'config.set': {
    ...base('config.set', '01KBX0000000000000C0NF1GSE'),
    body: {
      configVersion: 4,
      volume: 65,
      quietHours: { from: '21:30', to: '05:30' },
      windows: [{ days: [1, 2, 3, 4, 5], from: '06:00', to: '07:00' }],
      attentionSignal: false,
    },
  },
  'keys.update': {
    ...base('keys.update', '01KBX00000000000000KEYSVPD'),
    body: { trust: [{ kid: 'gl-test-2026-2', publicKey: 'zbLEnYrYaKy8lehN-r79p9MpuFcJeUCJM2oTTDoDs7Q' }], trustVersion: 2 },
  },
  'receipts.commit': { ...base('receipts.commit', '01KBX000000000000REC01PTS0'), to: 'dev:loa-52001-001', body: { upTo: 41 } },
  'device.ping': { ...base('device.ping', '01KBX000000000000000P1NG00'), to: 'dev:loa-52001-001', body: {} },
  'device.selftest': { ...base('device.selftest', '01KBX00000000000SE1FTEST00'), body: {} },
};

const evt = (type: string, id: string, seq: number) => ({ v: 1, id, type, ts: T0, seq });

export const EVENT_SAMPLES = {
  hello: {
    ...evt('hello', '01KBX000000000000000HE1100', 1),
    body: {
      kind: 'radio',
      vendor: 'Acme Audio',
      model: 'LX-200',
      firmware: '2.4.1',
      protocols: [1],
      units: ['52001', '520', '52'],
      capabilities: { audio: { codecs: ['mp3', 'opus'], tts: ['vi'] }, live: ['hls', 'icecast'] },
      receiptsPendingFrom: 1,
    },
  },
  status: {
    ...evt('status', '01KBX000000000000000STATVS', 2),
    body: { state: 'idle', volume: 70, configVersion: 3, uptimeSec: 3600, deviceTime: T0, storageFreeBytes: 1048576, badMessages: 0 },
  },
  ack: { ...evt('ack', '01KBX00000000000000000ACK0', 3), body: { ref: '01KBX00000000000000DE11VER', ok: true } },
  receipt: {
    ...evt('receipt', '01KBX0000000000000RECE1PT0', 4),
    body: {
      seq: 1,
      bulletinId: 'gl-2026-000123',
      mediaSha256: SHA,
      lang: 'vi',
      startedAt: T0,
      endedAt: '2026-11-26T08:01:01.500Z',
      outcome: 'completed',
      offline: false,
    },
  },
  alarm: { ...evt('alarm', '01KBX000000000000000A1ARM0', 5), body: { code: 'media_integrity', bulletinId: 'gl-2026-000123' } },
} as const;

export const PRESENCE_SAMPLE = { online: true, session: 12, ts: T0 };
