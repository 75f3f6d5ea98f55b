// fast-check generators shared by the tests (not part of the package entry).
import fc from 'fast-check';
import type { Bulletin } from './schema';

const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const media = (mime: string) =>
  fc.record({
    url: fc.constantFrom('https://media.example.vn/a', 'http://10.0.0.5/m/b.mp3'),
    mime: fc.constant(mime),
    sha256: hex,
    size: fc.integer({ min: 1, max: 10_000_000 }),
    durationSec: fc.option(fc.double({ min: 0.5, max: 600, noNaN: true }), { nil: undefined }),
  });
const viText = fc.constantFrom(
  'Thông báo lịch tiêm chủng',
  'Cảnh báo mưa lớn và lũ quét',
  'Họp dân thôn 3 vào tối thứ sáu',
);
const jraText = fc.constantFrom('Pơhiăp kơ ană plei', 'Ia lŭ ƀơi krong');

/** Valid draft bulletins: random ids, priorities, channels, languages, media, targets and times. */
export function validBulletin(): fc.Arbitrary<Bulletin> {
  const noUndefined = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return fc
    .record({
      id: fc.stringMatching(/^[A-Z0-9]{26}$/),
      version: fc.integer({ min: 1, max: 1000 }),
      priority: fc.constantFrom('normal', 'priority', 'emergency' as const),
      category: fc.constantFrom('disaster_emergency', 'security_order' as const),
      extraChannels: fc.subarray(['newsletter', 'web_portal', 'sms', 'social_media'] as const),
      viTitle: viText,
      viText: fc.option(viText, { nil: undefined }),
      audio: media('audio/mpeg'),
      withJrai: fc.boolean(),
      jra: jraText,
      startMs: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 0, 1) }),
      lengthSec: fc.integer({ min: 60, max: 86_400 * 30 }),
      codes: fc.uniqueArray(fc.stringMatching(/^\d{5}$/), { minLength: 1, maxLength: 5 }),
      devices: fc.uniqueArray(fc.stringMatching(/^radio-[0-9]{1,4}$/), { maxLength: 3 }),
    })
    .map((r) => {
      const start = new Date(Math.floor(r.startMs / 1000) * 1000);
      const end = new Date(start.getTime() + r.lengthSec * 1000);
      const b: Bulletin = {
        id: r.id,
        version: r.version,
        status: 'draft',
        category: r.category,
        priority: r.priority,
        channels: ['radio_ip', ...r.extraChannels],
        contents: [
          noUndefined({ lang: 'vi', title: r.viTitle, text: r.viText, audio: noUndefined(r.audio) }),
          ...(r.withJrai ? [{ lang: 'jra', title: r.jra, text: r.jra }] : []),
        ],
        targets: noUndefined({
          units: { at: '2025-07-01', codes: r.codes },
          devices: r.devices.length ? r.devices : undefined,
        }),
        schedule: { start: start.toISOString(), end: end.toISOString() },
        issuer: { name: 'UBND xã' },
        author: { name: 'Biên tập viên' },
        createdAt: new Date(start.getTime() - 60_000).toISOString(),
      };
      return b;
    });
}
