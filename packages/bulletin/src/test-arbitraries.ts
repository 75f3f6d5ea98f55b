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

const khmer = fc.constantFrom('ការជូនដំណឹង', 'ការប្រជុំភូមិ');
const window = fc
  .tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 60 }))
  .map(([hour, minutes]) => {
    const pad = (n: number) => String(n).padStart(2, '0');
    const to = Math.min(hour * 60 + minutes, 24 * 60);
    return {
      from: `${pad(hour)}:00`,
      to: to === 24 * 60 ? '24:00' : `${pad(Math.floor(to / 60))}:${pad(to % 60)}`,
    };
  });

/**
 * Valid bulletins: random ids, priorities, categories, channels, languages (vi, jra, km), media,
 * targets, schedules with repeats and windows, and workflow states with their approvals and times.
 */
export function validBulletin(): fc.Arbitrary<Bulletin> {
  const noUndefined = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return fc
    .record({
      id: fc.stringMatching(/^[A-Z0-9]{26}$/),
      version: fc.integer({ min: 1, max: 1000 }),
      priority: fc.constantFrom('normal', 'priority', 'emergency' as const),
      category: fc.constantFrom('disaster_emergency', 'security_order' as const),
      otherCategory: fc.constantFrom(
        'policy',
        'local_development',
        'socioeconomic_knowledge',
        'other' as const,
      ),
      status: fc.constantFrom(
        'draft',
        'submitted',
        'approved',
        'rejected',
        'published',
        'revoked',
        'expired' as const,
      ),
      extraChannels: fc.subarray(['board', 'newsletter', 'web_portal', 'sms', 'social_media'] as const),
      viTitle: viText,
      viText: viText,
      audio: fc.option(media('audio/mpeg'), { nil: undefined }),
      image: fc.option(media('image/png'), { nil: undefined }),
      video: fc.option(media('video/mp4'), { nil: undefined }),
      rate: fc.option(fc.double({ min: 0.5, max: 2, noNaN: true }), { nil: undefined }),
      withJrai: fc.boolean(),
      jra: jraText,
      withKhmer: fc.boolean(),
      km: khmer,
      startMs: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 0, 1) }),
      lengthSec: fc.integer({ min: 3_600, max: 86_400 * 30 }),
      repeat: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      windows: fc.array(window, { maxLength: 3 }),
      codes: fc.uniqueArray(fc.stringMatching(/^\d{5}$/), { minLength: 1, maxLength: 5 }),
      devices: fc.uniqueArray(fc.stringMatching(/^radio-[0-9]{1,4}$/), { maxLength: 3 }),
      // JSON as it comes from a file: no -0, and no "__proto__" key (which zod drops).
      extensions: fc.option(
        fc.dictionary(
          fc.stringMatching(/^[a-z][a-z0-9_-]{0,9}$/),
          fc
            .jsonValue({ maxDepth: 3 })
            .map((v) => JSON.parse(JSON.stringify(v).replaceAll('"__proto__"', '"proto"')) as unknown),
          { maxKeys: 2 },
        ),
        { nil: undefined },
      ),
    })
    .map((r) => {
      const start = new Date(Math.floor(r.startMs / 1000) * 1000);
      const end = new Date(start.getTime() + r.lengthSec * 1000);
      const created = new Date(start.getTime() - 600_000);
      const at = (minutes: number) => new Date(created.getTime() + minutes * 60_000).toISOString();
      const emergency = r.priority === 'emergency';
      const approvedStates = ['approved', 'published', 'revoked', 'expired'];
      const published = ['published', 'revoked', 'expired'].includes(r.status);
      const b: Bulletin = noUndefined({
        id: r.id,
        version: r.version,
        status: r.status,
        category: emergency ? r.category : r.otherCategory,
        priority: r.priority,
        channels: ['radio_ip', ...r.extraChannels],
        contents: [
          noUndefined({
            lang: 'vi',
            title: r.viTitle,
            text: r.viText,
            audio: r.audio && noUndefined(r.audio),
            images: r.image && [noUndefined(r.image)],
            video: r.video && noUndefined(r.video),
            tts: r.rate === undefined ? undefined : { rate: r.rate },
          }),
          ...(r.withJrai ? [{ lang: 'jra', title: r.jra, text: r.jra }] : []),
          ...(r.withKhmer ? [{ lang: 'km', title: r.km, text: r.km }] : []),
        ],
        targets: noUndefined({
          units: { at: '2025-07-01', codes: r.codes },
          devices: r.devices.length ? r.devices : undefined,
        }),
        schedule: noUndefined({
          start: start.toISOString(),
          end: end.toISOString(),
          repeat: r.repeat === undefined ? undefined : { count: r.repeat, intervalSec: 600 },
          windows: emergency || r.windows.length === 0 ? undefined : r.windows,
        }),
        issuer: { name: 'UBND xã' },
        author: { name: 'Biên tập viên' },
        approvals:
          r.status === 'rejected'
            ? [
                {
                  by: { name: 'Trần Thị B' },
                  decision: 'rejected' as const,
                  at: at(2),
                  note: 'Sửa lại tiêu đề',
                },
              ]
            : approvedStates.includes(r.status)
              ? [{ by: { name: 'Trần Thị B' }, decision: 'approved' as const, at: at(2) }]
              : undefined,
        createdAt: created.toISOString(),
        submittedAt: r.status === 'draft' ? undefined : at(1),
        publishedAt: published ? at(3) : undefined,
        revokedAt: r.status === 'revoked' ? at(4) : undefined,
        revokeReason: r.status === 'revoked' ? 'Thông tin đã cũ' : undefined,
        extensions: r.extensions as Bulletin['extensions'],
      });
      return b;
    });
}
