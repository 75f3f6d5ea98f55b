import type { Bulletin, BulletinContent, MediaRef } from '@nguon/bulletin';
import type { CommandBody } from './messages';

type DeliverBody = CommandBody<'bulletin.deliver'>;
type PlayoutMedia = DeliverBody['media'][number];

const utc = (time: string) => new Date(time).toISOString();

function contentMedia(content: BulletinContent): MediaRef[] {
  return [content.audio, content.video, ...(content.images ?? [])].filter(
    (m): m is MediaRef => m !== undefined,
  );
}

/**
 * The body of a `bulletin.deliver` command for a bulletin of `@nguon/bulletin` (P-B1, P-B2): its
 * playout view (id, version, category, priority, title, and per language the title, text, speech
 * hints (`tts`) and main media sha256 — audio, else video, else the first image), its schedule as playout (times in UTC,
 * windows without `days` on every day), and every media file with its language. Workflow fields
 * (status, approvals, issuer, targets) stay on the server.
 *
 * @example
 * ```ts
 * import { exampleFloodWarning } from '@nguon/bulletin';
 * const body = deliverBodyFromBulletin(exampleFloodWarning);
 * const jws = await signCommand(signer, 'bulletin.deliver', body, { to: 'area:52', ttlSec: 3600 });
 * ```
 */
export function deliverBodyFromBulletin(bulletin: Bulletin): DeliverBody {
  const main =
    bulletin.contents.find((c) => c.lang === 'vi' || c.lang.startsWith('vi-')) ?? bulletin.contents[0];
  const media: PlayoutMedia[] = [];
  const seen = new Set<string>();
  for (const content of bulletin.contents) {
    for (const m of contentMedia(content)) {
      if (seen.has(`${m.sha256} ${content.lang}`)) continue;
      seen.add(`${m.sha256} ${content.lang}`);
      media.push({
        url: m.url,
        sha256: m.sha256,
        size: m.size,
        mime: m.mime,
        ...(m.durationSec === undefined ? {} : { durationSec: m.durationSec }),
        lang: content.lang,
      });
    }
  }
  const { schedule } = bulletin;
  return {
    bulletin: {
      id: bulletin.id,
      version: bulletin.version,
      category: bulletin.category,
      priority: bulletin.priority,
      title: main?.title ?? bulletin.id,
      contents: bulletin.contents.map((c) => {
        const first = contentMedia(c)[0];
        return {
          lang: c.lang,
          title: c.title,
          ...(c.text === undefined ? {} : { text: c.text }),
          ...(first === undefined ? {} : { mediaSha256: first.sha256 }),
          ...(c.tts === undefined ? {} : { tts: { ...c.tts } }),
        };
      }),
    },
    playout: {
      priority: bulletin.priority,
      startAt: utc(schedule.start),
      ...(schedule.end === undefined ? {} : { endAt: utc(schedule.end) }),
      ...(schedule.repeat === undefined ? {} : { repeat: { ...schedule.repeat } }),
      ...(schedule.windows === undefined
        ? {}
        : {
            windows: schedule.windows.map((w) => ({
              days: w.days ?? [1, 2, 3, 4, 5, 6, 7],
              from: w.from,
              to: w.to,
            })),
          }),
    },
    media,
  };
}
