import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capAlert } from './__fixtures__/arbitraries';
import { validateAgainstCapXsd } from './__fixtures__/xsd';
import { type CapAlert, CapError, formatCapDateTime, parseCap, serializeCap } from './index';

const dir = join(__dirname, '__fixtures__');
const realAlerts = readdirSync(join(dir, 'alerts')).map((name) => ({
  name,
  xml: readFileSync(join(dir, 'alerts', name), 'utf8'),
}));

describe('the CAP 1.2 test schema and its validator', () => {
  it('accepts every real alert as published', async () => {
    for (const { name, xml } of realAlerts)
      expect({ name, ...(await validateAgainstCapXsd(xml)) }).toMatchObject({ name, valid: true });
  });

  it('rejects a "Z" date-time and elements out of order (so a pass means something)', async () => {
    const xml = serializeCap(parseCap(realAlerts[0]?.xml ?? ''));
    const zulu = xml.replace(/<sent>[^<]+<\/sent>/, '<sent>2026-11-26T01:00:00Z</sent>');
    expect((await validateAgainstCapXsd(zulu)).valid).toBe(false);
    const swapped = xml.replace(/(<status>[^<]+<\/status>)(\s*)(<msgType>[^<]+<\/msgType>)/, '$3$2$1');
    expect(swapped).not.toBe(xml);
    expect((await validateAgainstCapXsd(swapped)).valid).toBe(false);
  });
});

describe('serializeCap', () => {
  it.each(realAlerts)(
    're-serialises $name into XSD-valid CAP that parses back to the same alert',
    async ({ xml }) => {
      const alert = parseCap(xml);
      const out = serializeCap(alert);
      expect(await validateAgainstCapXsd(out)).toEqual({ valid: true, errors: [] });
      expect(parseCap(out)).toEqual(alert);
    },
  );

  it('escapes markup in text', () => {
    const alert = parseCap(realAlerts[0]?.xml ?? '');
    const info = alert.infos[0];
    if (!info) throw new Error('fixture has no info');
    info.headline = 'A < B & C > D ]]> "quoted"';
    const out = serializeCap(alert);
    expect(out).toContain('<headline>A &lt; B &amp; C &gt; D ]]&gt; "quoted"</headline>');
    expect(parseCap(out).infos[0]?.headline).toBe(info.headline);
  });

  it('refuses an invalid alert, naming every problem', () => {
    const alert: CapAlert = {
      identifier: 'X',
      sender: 'me',
      sent: new Date('2026-11-26T00:00:00Z').toISOString(),
      status: 'Actual',
      msgType: 'Cancel',
      scope: 'Public',
      codes: [],
      references: [],
      infos: [],
    };
    try {
      serializeCap(alert);
      expect.unreachable();
    } catch (error) {
      expect(CapError.isInstance(error)).toBe(true);
      expect((error as CapError).issues.map((i) => i.at)).toEqual(['alert/sent', 'alert/references']);
    }
  });

  it('formats date-times the CAP way', () => {
    expect(formatCapDateTime(new Date('2026-11-26T00:00:00.999Z'), 420)).toBe('2026-11-26T07:00:00+07:00');
    expect(formatCapDateTime('2026-11-26T00:00:00Z', -330)).toBe('2026-11-25T18:30:00-05:30');
  });
});

describe('serializeCap ∘ parseCap (property)', () => {
  it('any valid alert survives serialise → parse exactly', () => {
    fc.assert(
      fc.property(capAlert, (alert) => {
        expect(parseCap(serializeCap(alert))).toEqual(alert);
      }),
      { numRuns: 300 },
    );
  });

  it('any valid alert serialises to XML that the CAP 1.2 schema accepts', async () => {
    await fc.assert(
      fc.asyncProperty(capAlert, async (alert) => {
        const result = await validateAgainstCapXsd(serializeCap(alert, { indent: '' }));
        expect(result.errors).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
