import { JsonFeedSchema } from '@nguon/api';
import { type Bulletin, exampleFloodWarning } from '@nguon/bulletin';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { atomFeed, jsonFeed, xmlEscape } from './feeds';

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' });

describe('feeds', () => {
  it('keeps an Atom feed well-formed and its text intact whatever the titles, texts and issuers hold (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string(),
        fc.string({ minLength: 1 }),
        (title, text, issuer) => {
          const b: Bulletin = {
            ...exampleFloodWarning,
            contents: [{ lang: 'vi', title: title || 'x', text }],
            issuer: { name: issuer },
          };
          const xml = atomFeed({
            unitCode: '52',
            unitName: 'Tỉnh <Gia Lai> & "x"',
            selfUrl: 'http://h/f?a=1&b=2',
            bulletins: [b],
            emptyUpdated: '2026-01-01T00:00:00Z',
          });
          expect(XMLValidator.validate(xml)).toBe(true);
          const entry = parser.parse(xml).feed.entry[0];
          const clean = (s: string) =>
            xmlEscape(s)
              .replace(/&lt;/g, '<')
              .replace(/&gt;/g, '>')
              .replace(/&quot;/g, '"')
              .replace(/&apos;/g, "'")
              .replace(/&amp;/g, '&');
          expect(String(entry.title ?? '')).toBe(clean(title || 'x').trim());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes a JSON Feed that the contract accepts', () => {
    const feed = jsonFeed({
      unitCode: '52',
      unitName: 'Tỉnh Gia Lai',
      selfUrl: 'http://h/v1/feeds/52.json',
      bulletins: [exampleFloodWarning],
      emptyUpdated: '2026-01-01T00:00:00Z',
    });
    const parsed = JsonFeedSchema.parse(feed);
    expect(parsed.items[0]?._nguon.bulletinId).toBe(exampleFloodWarning.id);
    expect(parsed.items[0]?.date_published).toBe(
      new Date(exampleFloodWarning.publishedAt as string).toISOString().replace('.000Z', 'Z'),
    );
  });
});
