import type { Bulletin } from '@nguon/bulletin';

/**
 * What a feed is built from: the unit, its name, where the feed lives and the bulletins.
 *
 * @example
 * ```ts
 * const input: FeedInput = { unitCode: '52', unitName: 'Tỉnh Gia Lai', selfUrl: 'https://nguon.example.vn/v1/feeds/52.atom', bulletins: [], emptyUpdated: new Date().toISOString() };
 * ```
 */
export interface FeedInput {
  unitCode: string;
  unitName: string;
  /** The feed's own URL. */
  selfUrl: string;
  /** The bulletins, newest publication first. */
  bulletins: readonly Bulletin[];
  /** Time of the feed when it has no bulletin. */
  emptyUpdated: string;
}

function dropInvalidXml(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) continue;
    out += ch;
  }
  return out;
}

/**
 * Escapes text for XML content and attribute values, dropping characters XML 1.0 does not allow.
 *
 * @example
 * ```ts
 * xmlEscape('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 * ```
 */
export function xmlEscape(text: string): string {
  return dropInvalidXml(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function mainContent(b: Bulletin) {
  return b.contents.find((c) => c.lang === 'vi') ?? (b.contents[0] as Bulletin['contents'][number]);
}

const utc = (time: string) => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');

function updatedOf(input: FeedInput): string {
  let latest = '';
  for (const b of input.bulletins) {
    const t = utc(b.updatedAt ?? b.publishedAt ?? b.createdAt);
    if (t > latest) latest = t;
  }
  return latest || utc(input.emptyUpdated);
}

/**
 * An Atom 1.0 feed of published bulletins, for commune websites.
 *
 * @example
 * ```ts
 * const xml = atomFeed({ unitCode: '52', unitName: 'Tỉnh Gia Lai', selfUrl, bulletins, emptyUpdated: new Date().toISOString() });
 * ```
 */
export function atomFeed(input: FeedInput): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">',
    `  <id>urn:nguon:feed:${xmlEscape(input.unitCode)}</id>`,
    `  <title>${xmlEscape(`Thông tin thiết yếu — ${input.unitName}`)}</title>`,
    `  <updated>${updatedOf(input)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(input.selfUrl)}"/>`,
    '  <generator>nguon</generator>',
  ];
  for (const b of input.bulletins) {
    const c = mainContent(b);
    const published = utc(b.publishedAt ?? b.createdAt);
    out.push(
      '  <entry>',
      `    <id>urn:nguon:bulletin:${xmlEscape(b.id)}</id>`,
      `    <title>${xmlEscape(c.title)}</title>`,
      `    <published>${published}</published>`,
      `    <updated>${utc(b.updatedAt ?? b.publishedAt ?? b.createdAt)}</updated>`,
      `    <author><name>${xmlEscape(b.issuer.name)}</name></author>`,
      `    <category term="${xmlEscape(b.category)}"/>`,
      `    <category term="${xmlEscape(b.priority)}" scheme="urn:nguon:priority"/>`,
      `    <content type="text" xml:lang="${xmlEscape(c.lang)}">${xmlEscape(c.text ?? c.title)}</content>`,
      '  </entry>',
    );
  }
  out.push('</feed>', '');
  return out.join('\n');
}

/**
 * A JSON Feed 1.1 of published bulletins (the `JsonFeedSchema` of `@nguon/api`).
 *
 * @example
 * ```ts
 * const feed = jsonFeed({ unitCode: '52', unitName: 'Tỉnh Gia Lai', selfUrl, bulletins, emptyUpdated: new Date().toISOString() });
 * ```
 */
export function jsonFeed(input: FeedInput): Record<string, unknown> {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: `Thông tin thiết yếu — ${input.unitName}`,
    feed_url: input.selfUrl,
    language: 'vi',
    items: input.bulletins.map((b) => {
      const c = mainContent(b);
      const published = utc(b.publishedAt ?? b.createdAt);
      return {
        id: `urn:nguon:bulletin:${b.id}`,
        title: c.title,
        content_text: c.text ?? c.title,
        date_published: published,
        ...(b.updatedAt ? { date_modified: utc(b.updatedAt) } : {}),
        language: c.lang,
        tags: [b.category, b.priority],
        _nguon: {
          bulletinId: b.id,
          version: b.version,
          priority: b.priority,
          category: b.category,
          status: b.status as 'published' | 'revoked' | 'expired',
        },
      };
    }),
  };
}
