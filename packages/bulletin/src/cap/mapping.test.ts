import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulletinError } from '../errors';
import { exampleFloodWarning, examplePolicyNotice } from '../examples';
import { safeParseBulletin } from '../parse';
import { capAlert } from './__fixtures__/arbitraries';
import { validateAgainstCapXsd } from './__fixtures__/xsd';
import {
  bulletinToCap,
  CapError,
  capToBulletin,
  categoryFromCap,
  defaultCapSender,
  parseCap,
  priorityFromCap,
  serializeCap,
} from './index';

const dir = join(__dirname, '__fixtures__');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const realAlerts = readdirSync(join(dir, 'alerts')).map((name) => ({ name, xml: read(`alerts/${name}`) }));
const vietnamese = read('vn-gialai-flood.xml');

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('real alerts: import → export → re-import', () => {
  it.each(realAlerts)('$name keeps everything and exports XSD-valid CAP', async ({ xml }) => {
    const original = parseCap(xml);
    const first = capToBulletin(xml);
    expect(first.bulletin.origin).toEqual({
      system: 'cap',
      identifier: original.identifier,
      sender: original.sender,
      sent: original.sent,
    });
    expect(first.bulletin.contents.map((c) => c.lang)).toEqual([
      ...new Set(original.infos.map((i) => i.language ?? 'en-US')),
    ]);
    // A foreign alert is a valid draft: the Vietnamese translation and unit targets may wait until it
    // is submitted.
    expect(first.bulletin.status).toBe('draft');
    expect(first.issues).toEqual([]);
    expect(first.bulletin.extensions).toEqual({ cap: first.cap });

    // The bulletin alone, as JSON, is enough to give the alert back.
    const stored = JSON.parse(JSON.stringify(first.bulletin));
    const exported = bulletinToCap(stored);
    expect(exported).toEqual(original);
    expect(bulletinToCap(first.bulletin, { cap: first.cap })).toEqual(original);
    const out = serializeCap(exported);
    expect(await validateAgainstCapXsd(out)).toEqual({ valid: true, errors: [] });

    const again = capToBulletin(out);
    expect(again.bulletin).toEqual(first.bulletin);
    expect(again.cap).toEqual(first.cap);
  });

  it('exports a translated and targeted foreign alert as valid CAP with the new language', async () => {
    const { bulletin, cap } = capToBulletin(read('alerts/ca-eccc-naad-2019.xml'));
    const ready = {
      ...bulletin,
      contents: [
        ...bulletin.contents,
        {
          lang: 'vi',
          title: 'Thông báo thời tiết đặc biệt',
          text: 'Theo dõi các cảnh báo và dự báo thời tiết.',
        },
      ],
      targets: { units: { at: '2025-07-01', codes: ['64'] } },
    };
    const alert = bulletinToCap(ready, { cap });
    expect(alert.infos.map((i) => i.language)).toEqual(['en-CA', 'fr-CA', 'vi']);
    for (const info of alert.infos)
      expect(info.areas.at(-1)?.geocodes).toEqual([{ valueName: 'VN-GSO', value: '64' }]);
    expect(alert.infos[0]?.areas[0]?.polygons).toHaveLength(1);
    const xml = serializeCap(alert);
    expect((await validateAgainstCapXsd(xml)).valid).toBe(true);
    const back = capToBulletin(xml);
    expect(back.bulletin.contents).toEqual(ready.contents);
    expect(back.bulletin.targets).toEqual({ units: { at: '2019-07-12', codes: ['64'] } });
  });

  it('maps the Canadian alert field by field', () => {
    const { bulletin } = capToBulletin(read('alerts/ca-eccc-naad-2019.xml'));
    expect(bulletin).toMatchObject({
      status: 'draft',
      version: 1,
      category: 'disaster_emergency',
      priority: 'normal',
      schedule: { start: '2019-07-12T17:59:29-00:00', end: '2019-07-13T01:59:29-00:00' },
      issuer: { name: 'Environment Canada' },
    });
    expect(bulletin.contents[1]).toMatchObject({
      lang: 'fr-CA',
      title: 'bulletin météorologique spécial en vigueur',
    });
    expect(bulletin.contents[0]?.text).toMatch(/^###\n\nPlease continue to monitor/);
  });

  it('turns an Update into a later version and keeps instructions in the text', () => {
    const { bulletin } = capToBulletin(read('alerts/us-ntwc-tsunami-cancel-2013.xml'));
    expect(bulletin.version).toBe(4);
    // It expires the second it is sent: no schedule.end (which must follow the start); the CAP
    // expires stays in extensions.cap and is written back.
    expect(bulletin.schedule).toEqual({ start: '2013-01-05T10:58:23-00:00' });
    expect(bulletin.priority).toBe('normal');
    expect(bulletin.contents[0]?.text).toMatch(/non-damaging levels\.\n\nRecommended Actions:/);
    expect(bulletin.contents[0]?.lang).toBe('en-US');
  });
});

describe('a Vietnamese alert with VN-GSO geocodes', () => {
  it('becomes a valid emergency draft targeting the two communes', () => {
    const { bulletin, issues } = capToBulletin(vietnamese);
    expect(issues).toEqual([]);
    expect(bulletin).toMatchObject({
      id: 'GL-2026-1126-001',
      status: 'draft',
      category: 'disaster_emergency',
      priority: 'emergency',
      targets: { units: { at: '2026-11-26', codes: ['24044', '24065'] } },
      schedule: { start: '2026-11-26T15:00:00+07:00', end: '2026-11-27T03:00:00+07:00' },
      issuer: { name: 'UBND tỉnh Gia Lai' },
    });
    expect(bulletin.contents.map((c) => [c.lang, c.title])).toEqual([
      ['vi', 'Cảnh báo lũ khẩn cấp trên sông Ba'],
      ['jra', 'Pơhiăp khẩn cấp kơ ia lŭ ƀơi krong Ba'],
    ]);
    expect(safeParseBulletin(bulletin).success).toBe(true);
  });

  it('exports edits: a lower priority and other communes replace what CAP said', async () => {
    const { bulletin, cap } = capToBulletin(vietnamese);
    const edited = {
      ...bulletin,
      priority: 'priority' as const,
      targets: { units: { at: '2026-11-26', codes: ['24044', '23575'] } },
    };
    const alert = bulletinToCap(edited, { cap });
    expect(alert.infos.map((i) => [i.urgency, i.severity])).toEqual([
      ['Expected', 'Moderate'],
      ['Expected', 'Moderate'],
    ]);
    for (const info of alert.infos)
      expect(info.areas.flatMap((a) => a.geocodes.map((g) => g.value))).toEqual(['24044', '23575']);
    expect(alert.infos[0]?.areas[0]?.polygons).toHaveLength(1); // the polygon stays
    expect((await validateAgainstCapXsd(serializeCap(alert))).valid).toBe(true);
    expect(capToBulletin(serializeCap(alert)).bulletin.targets).toEqual(edited.targets);
  });

  it('a new version of an imported alert exports as an Update that refers to it', () => {
    const { bulletin, cap } = capToBulletin(vietnamese);
    const v2 = { ...bulletin, version: 2, updatedAt: '2026-11-26T09:30:00Z' };
    expect((errorOf(() => bulletinToCap(v2, { cap })) as CapError).message).toMatch(
      /new CAP message.*pass options\.sender/,
    );
    const alert = bulletinToCap(v2, { cap, sender: 'stttt@gialai.gov.vn' });
    expect(alert).toMatchObject({
      identifier: 'GL-2026-1126-001.v2',
      sender: 'stttt@gialai.gov.vn',
      sent: '2026-11-26T09:30:00+00:00',
      msgType: 'Update',
      references: [
        { sender: 'ubnd@gialai.gov.vn', identifier: 'GL-2026-1126-001', sent: '2026-11-26T15:00:00+07:00' },
      ],
    });
    expect(capToBulletin(serializeCap(alert)).bulletin.version).toBe(2);
  });

  it('revoking an imported alert exports a Cancel that refers to it', () => {
    const { bulletin, cap } = capToBulletin(vietnamese);
    const revoked = {
      ...bulletin,
      version: 2,
      status: 'revoked' as const,
      revokedAt: '2026-11-26T10:00:00Z',
      revokeReason: 'Nước đã rút',
    };
    const alert = bulletinToCap(revoked, { cap, sender: 'stttt@gialai.gov.vn', allowIncomplete: true });
    expect(alert).toMatchObject({
      identifier: 'GL-2026-1126-001.v2.cancel',
      msgType: 'Cancel',
      note: 'Nước đã rút',
      references: [{ identifier: 'GL-2026-1126-001' }],
    });
  });

  it('turns a Cancel into a revoked bulletin', () => {
    const cancel = vietnamese
      .replace('<msgType>Alert</msgType>', '<msgType>Cancel</msgType>')
      .replace(
        '<scope>Public</scope>',
        '<scope>Public</scope><note>Nước đã rút</note><references>ubnd@gialai.gov.vn,GL-2026-1126-000,2026-11-26T14:00:00+07:00</references>',
      );
    const { bulletin, cap } = capToBulletin(cancel);
    expect(bulletin).toMatchObject({
      status: 'revoked',
      revokedAt: '2026-11-26T15:00:00+07:00',
      revokeReason: 'Nước đã rút',
    });
    expect(bulletinToCap(bulletin, { cap, allowIncomplete: true }).msgType).toBe('Cancel');
  });
});

describe('native bulletins → CAP', () => {
  it('exports the flood warning (version 2 → Update) with units, media and both languages', async () => {
    const references = [
      { sender: 'ubnd@gialai.gov.vn', identifier: exampleFloodWarning.id, sent: '2026-11-26T14:50:00+07:00' },
    ];
    const alert = bulletinToCap(exampleFloodWarning, { sender: 'ubnd@gialai.gov.vn', references });
    expect(alert).toMatchObject({
      identifier: `${exampleFloodWarning.id}.v2`,
      sent: '2026-11-26T07:58:30+00:00',
      status: 'Actual',
      msgType: 'Update',
      references,
    });
    const [vi, jra] = alert.infos;
    expect(vi).toMatchObject({
      language: 'vi',
      urgency: 'Immediate',
      severity: 'Severe',
      categories: ['Safety'],
    });
    expect(vi?.resources.map((r) => [r.resourceDesc, r.mimeType])).toEqual([
      ['audio', 'audio/mpeg'],
      ['image', 'image/png'],
    ]);
    const codes = exampleFloodWarning.targets.units?.codes ?? [];
    expect(codes.length).toBeGreaterThan(0);
    expect(vi?.areas[0]?.geocodes).toEqual(codes.map((value) => ({ valueName: 'VN-GSO', value })));
    expect(jra?.language).toBe('jra');
    const xml = serializeCap(alert);
    expect(await validateAgainstCapXsd(xml)).toEqual({ valid: true, errors: [] });

    const back = capToBulletin(xml).bulletin;
    expect(back).toMatchObject({
      priority: 'emergency',
      category: 'disaster_emergency',
      version: 2,
      targets: { units: { codes } },
      schedule: { start: '2026-11-26T08:00:00+00:00', end: '2026-11-26T20:00:00+00:00' },
    });
    expect(back.contents.map((c) => [c.lang, c.title, c.text])).toEqual(
      exampleFloodWarning.contents.map((c) => [c.lang, c.title, c.text]),
    );
  });

  it('exports a draft policy notice as a CAP Draft in category Other', () => {
    const alert = bulletinToCap(examplePolicyNotice, { sender: 'xa-iarbol@gialai.gov.vn' });
    expect(alert).toMatchObject({ status: 'Draft', msgType: 'Alert', identifier: examplePolicyNotice.id });
    expect(alert.infos[0]).toMatchObject({
      categories: ['Other'],
      urgency: 'Unknown',
      severity: 'Minor',
      effective: '2026-12-01T00:00:00+07:00',
    });
  });

  it('derives a sender from the issuer when none is given', () => {
    expect(bulletinToCap(exampleFloodWarning).sender).toBe('urn:nguon:unit:52');
    expect(bulletinToCap(examplePolicyNotice).sender).toBe('urn:nguon:unit:24065');
    const noUnit = { ...examplePolicyNotice, issuer: { name: 'Sở Văn hóa, Thể thao và Du lịch Gia Lai' } };
    expect(bulletinToCap(noUnit).sender).toBe('urn:nguon:issuer:so-van-hoa-the-thao-va-du-lich-gia-lai');
    expect(bulletinToCap(noUnit, { sender: 'svhttdl@gialai.gov.vn' }).sender).toBe('svhttdl@gialai.gov.vn');
    expect(defaultCapSender({ issuer: { name: 'ការិយាល័យ' } })).toMatch(/^urn:nguon:issuer:%E1/);
  });

  it('a later version is an Update only when the message it updates is given', () => {
    const alert = bulletinToCap(exampleFloodWarning, { sender: 'a@b.vn' });
    expect(alert).toMatchObject({
      msgType: 'Alert',
      identifier: `${exampleFloodWarning.id}.v2`,
      references: [],
    });
  });

  it('needs references for a Cancel, and a valid bulletin', () => {
    const revoked = {
      ...exampleFloodWarning,
      status: 'revoked' as const,
      revokedAt: '2026-11-26T09:00:00Z',
      revokeReason: 'Nước đã rút',
    };
    const noRefs = errorOf(() => bulletinToCap(revoked, { sender: 'a@b.vn' }));
    expect(CapError.isInstance(noRefs) && noRefs.message).toMatch(/must name the earlier message/);
    const broken = errorOf(() =>
      bulletinToCap({ ...examplePolicyNotice, extensions: { cap: { infos: 'x' } } }),
    );
    expect(CapError.isInstance(broken) && broken.message).toMatch(/^\$\.extensions\.cap: expected the block/);
    const invalid = errorOf(() =>
      bulletinToCap({ ...examplePolicyNotice, contents: [] }, { sender: 'a@b.vn' }),
    );
    expect(BulletinError.isInstance(invalid) && invalid.code).toBe('invalid_bulletin');
  });
});

describe('mapping tables', () => {
  it('severity and urgency → priority', () => {
    expect(priorityFromCap('Extreme', 'Future')).toBe('emergency');
    expect(priorityFromCap('Severe', 'Immediate')).toBe('emergency');
    expect(priorityFromCap('Severe', 'Expected')).toBe('priority');
    expect(priorityFromCap('Moderate', 'Immediate')).toBe('priority');
    expect(priorityFromCap('Moderate', 'Future')).toBe('normal');
    expect(priorityFromCap('Extreme', 'Past')).toBe('normal');
    expect(priorityFromCap('Unknown', 'Unknown')).toBe('normal');
  });

  it('categories → category', () => {
    expect(categoryFromCap(['Transport', 'Met'])).toBe('disaster_emergency');
    expect(categoryFromCap(['Security'])).toBe('security_order');
    expect(categoryFromCap(['Infra'])).toBe('other');
  });

  it('Ack and Error messages carry no bulletin', () => {
    const ack = vietnamese
      .replace('<msgType>Alert</msgType>', '<msgType>Ack</msgType>')
      .replace(
        '<scope>Public</scope>',
        '<scope>Public</scope><references>a,b,2026-11-26T14:00:00+07:00</references>',
      );
    expect((errorOf(() => capToBulletin(ack)) as CapError).code).toBe('cap_unmappable');
  });
});

describe('CAP → bulletin → CAP (property)', () => {
  it('any valid Alert, Update or Cancel comes back unchanged through a bulletin and its kept block', () => {
    const mappable = capAlert.filter(
      (a) =>
        a.infos.length > 0 && (a.msgType === 'Alert' || a.msgType === 'Update' || a.msgType === 'Cancel'),
    );
    fc.assert(
      fc.property(mappable, (alert) => {
        const { bulletin, cap } = capToBulletin(alert);
        expect(bulletinToCap(bulletin, { cap, allowIncomplete: true })).toEqual(alert);
      }),
      { numRuns: 200 },
    );
  });
});
