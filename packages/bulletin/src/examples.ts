import type { Bulletin } from './schema';

/**
 * Sample: an emergency flood warning from the Gia Lai provincial People's Committee, in Vietnamese
 * with a Jrai translation, for IP loudspeakers and electronic boards. Media URLs are illustrative (example.vn), the digests
 * are of no real file. The targets are two communes on the Ba river as of 2025-07-01, Phường Ayun Pa
 * (`24044`) and Xã Ia Rbol (`24065`), so the sample also passes `checkBulletinUnits`.
 *
 * @example
 * ```ts
 * parseBulletin(exampleFloodWarning); // valid
 * ```
 */
export const exampleFloodWarning: Bulletin = {
  id: '01JDXF1A2B3C4D5E6F7G8H9J0K',
  version: 2,
  status: 'published',
  category: 'disaster_emergency',
  priority: 'emergency',
  channels: ['radio_ip', 'board'],
  contents: [
    {
      lang: 'vi',
      title: 'Cảnh báo lũ khẩn cấp trên sông Ba',
      text:
        'Mực nước sông Ba đang lên nhanh. Người dân các thôn ven sông di chuyển ngay đến nơi cao, ' +
        'không qua lại ngầm, tràn và theo dõi thông báo của chính quyền địa phương.',
      audio: {
        url: 'https://media.example.vn/2026/11/canh-bao-lu-vi.mp3',
        mime: 'audio/mpeg',
        sha256: '5f1c2a8f0f7a4d0e9b6f2a1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f61',
        size: 482_113,
        durationSec: 60,
      },
      images: [
        {
          url: 'https://media.example.vn/2026/11/ban-do-ngap.png',
          mime: 'image/png',
          sha256: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
          size: 91_544,
        },
      ],
      tts: { voice: 'vi-female-central', rate: 0.9 },
    },
    {
      lang: 'jra',
      title: 'Pơhiăp khẩn cấp kơ ia lŭ ƀơi krong Ba',
      text: 'Ia krong Ba đĭ djơi. Ană plei dŏ jĕ krong nao pơ anih glông ră anai.',
      audio: {
        url: 'https://media.example.vn/2026/11/canh-bao-lu-jra.mp3',
        mime: 'audio/mpeg',
        sha256: 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
        size: 512_000,
        durationSec: 64,
      },
    },
  ],
  targets: { units: { at: '2025-07-01', codes: ['24044', '24065'] }, deviceGroups: ['gl-ayunpa-river'] },
  schedule: {
    start: '2026-11-26T08:00:00Z',
    end: '2026-11-26T20:00:00Z',
    repeat: { count: 6, intervalSec: 1800 },
  },
  issuer: { name: 'Ủy ban nhân dân tỉnh Gia Lai', unitCode: '52' },
  author: { id: 'u-editor-7', name: 'Rah Lan H’Nhi' },
  approvals: [
    {
      by: { id: 'u-approver-2', name: 'Nguyễn Văn Bình' },
      role: 'approver',
      decision: 'approved',
      at: '2026-11-26T07:58:00Z',
    },
  ],
  createdAt: '2026-11-26T07:50:00Z',
  updatedAt: '2026-11-26T07:57:00Z',
  submittedAt: '2026-11-26T07:55:00Z',
  publishedAt: '2026-11-26T07:58:30Z',
};

/**
 * Sample: a normal policy notice (thông báo chính sách) in Vietnamese, read by TTS on IP
 * loudspeakers in the morning and evening broadcast windows, still a draft.
 *
 * @example
 * ```ts
 * safeParseBulletin(examplePolicyNotice).success; // true
 * ```
 */
export const examplePolicyNotice: Bulletin = {
  id: '01JDXG7M3N4P5Q6R7S8T9V0W1X',
  version: 1,
  status: 'draft',
  category: 'policy',
  priority: 'normal',
  channels: ['radio_ip', 'web_portal'],
  contents: [
    {
      lang: 'vi',
      title: 'Thông báo về chính sách hỗ trợ nhà ở cho hộ nghèo năm 2027',
      text:
        'Ủy ban nhân dân xã thông báo: các hộ nghèo, hộ cận nghèo có nhu cầu hỗ trợ xây dựng, sửa chữa nhà ở ' +
        'đăng ký tại bộ phận một cửa của xã trước ngày 15 tháng 12 năm 2026. Hồ sơ gồm đơn đề nghị và bản sao ' +
        'giấy tờ tùy thân.',
      tts: { rate: 1 },
    },
  ],
  targets: { units: { at: '2025-07-01', codes: ['24065'] } },
  schedule: {
    start: '2026-12-01T00:00:00+07:00',
    end: '2026-12-15T00:00:00+07:00',
    repeat: { count: 20, intervalSec: 43_200 },
    windows: [
      { from: '06:00', to: '06:30' },
      { from: '17:30', to: '18:00', days: [1, 2, 3, 4, 5] },
    ],
  },
  issuer: { name: 'Ủy ban nhân dân xã Ia Rbol', unitCode: '24065' },
  author: { name: 'Lê Thị Cúc' },
  createdAt: '2026-11-26T02:00:00Z',
};
