import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exampleFloodWarning, examplePolicyNotice, parseCap, serializeCap } from '@nguon/bulletin';
import { describe, expect, test } from 'vitest';
import { run } from '../test-helpers';

const ALERT = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>GL-2026-1126-001</identifier>
  <sender>ubnd@gialai.gov.vn</sender>
  <sent>2026-11-26T15:00:00+07:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>vi</language>
    <category>Met</category>
    <event>Lũ</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <expires>2026-11-27T03:00:00+07:00</expires>
    <senderName>UBND tỉnh Gia Lai</senderName>
    <headline>Cảnh báo lũ khẩn cấp trên sông Ba</headline>
    <description>Mực nước sông Ba đang lên nhanh, người dân di chuyển đến nơi cao.</description>
    <area>
      <areaDesc>Hai xã ven sông Ba</areaDesc>
      <polygon>13.40,108.40 13.40,108.50 13.30,108.50 13.30,108.40 13.40,108.40</polygon>
      <geocode><valueName>VN-GSO</valueName><value>23563</value></geocode>
    </area>
  </info>
</alert>
`;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nguon-cap-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('nguon cap import', () => {
  test('prints the bulletin as JSON', async () => {
    const cwd = workspace({ 'alert.xml': ALERT });
    const result = await run(['cap', 'import', 'alert.xml'], cwd);
    expect(result.code).toBe(0);
    const bulletin = JSON.parse(result.stdout);
    expect(bulletin).toMatchObject({
      id: 'GL-2026-1126-001',
      status: 'draft',
      priority: 'emergency',
      category: 'disaster_emergency',
      targets: { units: { at: '2026-11-26', codes: ['23563'] } },
      contents: [{ lang: 'vi', title: 'Cảnh báo lũ khẩn cấp trên sông Ba' }],
    });
    expect(result.stderr).toBe('');
  });

  test('invalid CAP exits 1 naming the element and the rule', async () => {
    const broken = ALERT.replace('13.30,108.50 13.30,108.40 13.40,108.40', '13.40,108.40').replace(
      '<sent>2026-11-26T15:00:00+07:00</sent>',
      '<sent>2026-11-26T08:00:00Z</sent>',
    );
    const cwd = workspace({ 'alert.xml': broken });
    const result = await run(['cap', 'import', 'alert.xml'], cwd);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('alert.xml: alert/sent: expected YYYY-MM-DDThh:mm:ss±hh:mm');
    expect(result.stderr).toContain(
      'alert.xml: alert/info[0]/area[0]/polygon[0]: a polygon needs at least 4 points (first = last), found 3',
    );
  });

  test('hostile XML and missing files exit 1 with a message', async () => {
    const cwd = workspace({ 'x.xml': '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>' });
    const hostile = await run(['cap', 'import', 'x.xml'], cwd);
    expect(hostile.code).toBe(1);
    expect(hostile.stderr).toMatch(/x\.xml: DOCTYPE and ENTITY declarations are refused/);
    const missing = await run(['cap', 'import', 'nope.xml'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.xml: cannot read the file \(ENOENT\)/);
  });

  test('reads a file in the encoding its XML declaration names', async () => {
    const latin = ALERT.replace(
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
      .replace('<language>vi</language>', '<language>fr-CA</language>')
      .replace('Cảnh báo lũ khẩn cấp trên sông Ba', 'Avertissement de crue émis')
      .replace('<event>Lũ</event>', '<event>Crue</event>')
      .replace('UBND tỉnh Gia Lai', 'Sécurité civile')
      .replace('Hai xã ven sông Ba', 'Deux communes')
      .replace(/<description>.*<\/description>/, '<description>Montée rapide des eaux.</description>');
    const dir = workspace({});
    writeFileSync(join(dir, 'latin.xml'), Buffer.from(latin, 'latin1'));
    const result = await run(['cap', 'import', 'latin.xml'], dir);
    expect(result.stderr).not.toMatch(/not valid CAP/);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).contents[0].title).toBe('Avertissement de crue émis');
  });

  test('a foreign alert (no Vietnamese, no unit codes) imports as a valid draft without warnings', async () => {
    const foreign = ALERT.replace('<language>vi</language>', '<language>en-CA</language>').replace(
      /<geocode>.*<\/geocode>/,
      '',
    );
    const cwd = workspace({ 'alert.xml': foreign });
    const result = await run(['cap', 'import', 'alert.xml'], cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    writeFileSync(join(cwd, 'draft.json'), result.stdout);
    const validated = await run(['bulletin', 'validate', 'draft.json', '--no-units'], cwd);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
  });

  test('warns when the draft breaks a rule that drafts must keep too', async () => {
    const instant = ALERT.replace(
      '<expires>2026-11-27T03:00:00+07:00</expires>',
      '<expires>2026-11-26T15:00:00+07:00</expires>',
    );
    const cwd = workspace({ 'alert.xml': instant });
    const result = await run(['cap', 'import', 'alert.xml'], cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('alert.xml: imported as a draft bulletin that still needs work');
    expect(result.stderr).toContain('alert.xml: $.schedule.end: emergency bulletins need schedule.end');
  });
});

// The five real alerts and the CAP 1.2 XSD are test fixtures of @nguon/bulletin, and so is the XSD
// validator (xmllint-wasm, libxml2 in WebAssembly): both are reached through that package's folder.
const bulletinDir = dirname(createRequire(import.meta.url).resolve('@nguon/bulletin/package.json'));
const fixtures = join(bulletinDir, 'src/cap/__fixtures__');
const realAlerts = readdirSync(join(fixtures, 'alerts'));
const xsd = readFileSync(join(fixtures, 'cap-1.2.xsd'), 'utf8');

async function xsdProblems(xml: string): Promise<string[]> {
  const xmllint = createRequire(join(bulletinDir, 'package.json')).resolve('xmllint-wasm');
  const { validateXML } = (await import(pathToFileURL(xmllint).href)) as typeof import('xmllint-wasm');
  const result = await validateXML({
    xml: [{ fileName: 'alert.xml', contents: xml }],
    schema: [{ fileName: 'cap-1.2.xsd', contents: xsd }],
  });
  return result.valid ? [] : result.errors.map((e) => e.message);
}

describe('nguon cap import, then export with no flag', () => {
  test.each(realAlerts)('%s comes back whole and valid against the CAP 1.2 XSD', async (name) => {
    const original = readFileSync(join(fixtures, 'alerts', name), 'utf8');
    const cwd = workspace({ 'a.xml': original });
    const imported = await run(['cap', 'import', 'a.xml'], cwd);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    writeFileSync(join(cwd, 'b.json'), imported.stdout);
    const exported = await run(['cap', 'export', 'b.json'], cwd);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(parseCap(exported.stdout)).toEqual(parseCap(original));
    expect(exported.stdout).toBe(serializeCap(parseCap(original)));
    expect(await xsdProblems(exported.stdout)).toEqual([]);
  });
});

describe('nguon cap export', () => {
  test('prints CAP 1.2 XML for a native bulletin, with a sender derived from the issuer', async () => {
    const cwd = workspace({ 'notice.json': JSON.stringify(examplePolicyNotice) });
    const derived = await run(['cap', 'export', 'notice.json'], cwd);
    expect(derived.code).toBe(0);
    expect(derived.stdout).toContain(
      `<sender>urn:nguon:unit:${examplePolicyNotice.issuer.unitCode}</sender>`,
    );
    expect(await xsdProblems(derived.stdout)).toEqual([]);
    const result = await run(['cap', 'export', 'notice.json', '--sender', 'xa-iarbol@gialai.gov.vn'], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<sender>xa-iarbol@gialai.gov.vn</sender>');
    expect(result.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">/,
    );
    expect(result.stdout).toContain('<identifier>01JDXG7M3N4P5Q6R7S8T9V0W1X</identifier>');
    const code = examplePolicyNotice.targets.units?.codes[0];
    expect(code).toBeDefined();
    expect(result.stdout).toContain(
      `<geocode>\n        <valueName>VN-GSO</valueName>\n        <value>${code}</value>`,
    );
  });

  test('an invalid bulletin exits 1 listing its problems', async () => {
    const cwd = workspace({
      'bad.json': JSON.stringify({ ...examplePolicyNotice, priority: 'urgent', contents: [] }),
    });
    const result = await run(['cap', 'export', 'bad.json', '--sender', 'a@b.vn'], cwd);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('bad.json: $.priority:');
    expect(result.stderr).toContain('bad.json: $.contents:');
  });

  test('a later version is an Alert, or an Update of the messages given with --references', async () => {
    const cwd = workspace({ 'flood.json': JSON.stringify(exampleFloodWarning) });
    const alert = await run(['cap', 'export', 'flood.json', '--sender', 'a@b.vn'], cwd);
    expect(alert.code).toBe(0);
    expect(alert.stdout).toContain('<msgType>Alert</msgType>');
    const ok = await run(
      [
        'cap',
        'export',
        'flood.json',
        '--sender',
        'a@b.vn',
        '--references',
        `a@b.vn,${exampleFloodWarning.id},2026-11-26T14:50:00+07:00`,
      ],
      cwd,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('<msgType>Update</msgType>');
  });

  test('a revoked bulletin without --references exits 1 and says what to pass', async () => {
    const revoked = {
      ...exampleFloodWarning,
      status: 'revoked',
      revokedAt: '2026-11-26T09:00:00Z',
      revokeReason: 'Nước đã rút',
    };
    const cwd = workspace({ 'revoked.json': JSON.stringify(revoked) });
    const result = await run(['cap', 'export', 'revoked.json'], cwd);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/must name the earlier message\(s\): pass --references/);
  });

  test('import --keep then export --keep gives the same CAP back', async () => {
    const cwd = workspace({ 'alert.xml': ALERT });
    const imported = await run(['cap', 'import', 'alert.xml', '--keep', 'alert.cap.json'], cwd);
    writeFileSync(join(cwd, 'bulletin.json'), imported.stdout);
    const exported = await run(['cap', 'export', 'bulletin.json', '--keep', 'alert.cap.json'], cwd);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(
      '<polygon>13.4,108.4 13.4,108.5 13.3,108.5 13.3,108.4 13.4,108.4</polygon>',
    );
    writeFileSync(join(cwd, 'again.xml'), exported.stdout);
    const again = await run(['cap', 'import', 'again.xml'], cwd);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(imported.stdout));
    expect(readFileSync(join(cwd, 'alert.cap.json'), 'utf8')).toContain('"polygons"');
  });
});
