import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulletinError } from '../errors';
import { CapError, parseCap } from './index';

const dir = join(__dirname, '__fixtures__');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const realAlerts = readdirSync(join(dir, 'alerts')).map((name) => ({ name, xml: read(`alerts/${name}`) }));

function capErrorOf(run: () => unknown): CapError {
  try {
    run();
  } catch (error) {
    if (CapError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a CapError, but parsing succeeded');
}

const MINIMAL = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>T-1</identifier><sender>s@example.vn</sender><sent>2026-11-26T08:00:00+07:00</sent>
  <status>Test</status><msgType>Alert</msgType><scope>Public</scope>
  <info><category>Met</category><event>Thử</event><urgency>Future</urgency><severity>Minor</severity><certainty>Possible</certainty>
    <area><areaDesc>X</areaDesc><polygon>1,1 1,2 2,2 1,1</polygon></area>
  </info>
</alert>`;

describe('parseCap on real alerts', () => {
  it.each(realAlerts)('reads $name', ({ xml }) => {
    const alert = parseCap(xml);
    expect(alert.infos.length).toBeGreaterThan(0);
    expect(alert.sent).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  });

  it('keeps both languages, every geocode and the polygon of the Canadian alert', () => {
    const alert = parseCap(read('alerts/ca-eccc-naad-2019.xml'));
    expect(alert.infos.map((i) => i.language)).toEqual(['en-CA', 'fr-CA']);
    const area = alert.infos[1]?.areas[0];
    expect(area?.geocodes).toHaveLength(10);
    expect(area?.polygons[0]).toHaveLength(13);
    expect(area?.polygons[0]?.[0]).toEqual({ lat: 47.5744, lon: -58.4207 });
    expect(alert.codes).toContain('profile:CAP-CP:0.4');
    // Empty optional elements count as absent.
    expect(alert.restriction).toBeUndefined();
    expect(alert.references).toEqual([]);
    expect(alert.infos[0]?.instruction).toBeUndefined();
  });

  it('reads a prefixed namespace, circles and references', () => {
    const rfs = parseCap(read('alerts/au-nsw-rfs-2014.xml'));
    expect(rfs.infos[0]?.areas[0]?.circles).toEqual([
      { center: { lat: -33.1347, lon: 151.558 }, radiusKm: 0 },
    ]);
    const tsunami = parseCap(read('alerts/us-ntwc-tsunami-cancel-2013.xml'));
    expect(tsunami.references.map((r) => r.identifier)).toEqual([
      'PAAQ-1-mg5a94',
      'PAAQ-2-mg5a94',
      'PAAQ-3-mg5a94',
    ]);
    expect(tsunami.infos[0]?.language).toBeUndefined();
    expect(tsunami.infos[0]?.parameters.find((p) => p.valueName === 'NWSUGC')?.value).toContain('AKZ026>029');
  });

  it('reads a polygon written over several lines', () => {
    const mx = parseCap(read('alerts/mx-smn-2018-update.xml'));
    const ring = mx.infos[0]?.areas[0]?.polygons[0] ?? [];
    expect(ring).toHaveLength(29);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
  });
});

describe('parseCap refuses hostile or broken XML with a CapError', () => {
  it('refuses a DOCTYPE before parsing (XXE)', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>${MINIMAL.replace('T-1', '&x;')}`;
    expect(capErrorOf(() => parseCap(xxe)).code).toBe('cap_forbidden_dtd');
  });

  it('refuses entity expansion ("billion laughs")', () => {
    const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><alert>&lol2;</alert>`;
    const error = capErrorOf(() => parseCap(lol));
    expect(error.code).toBe('cap_forbidden_dtd');
    expect(BulletinError.isInstance(error)).toBe(true);
  });

  it('refuses input over the size limit', () => {
    expect(capErrorOf(() => parseCap(MINIMAL, { maxLength: 100 })).message).toMatch(/over the limit of 100/);
  });

  it('says where XML is not well-formed', () => {
    const error = capErrorOf(() => parseCap('<alert>\n<identifier>x</alert>'));
    expect(error.code).toBe('cap_malformed_xml');
    expect(error.message).toMatch(/line 2/);
  });

  it('refuses CAP 1.1 and foreign roots', () => {
    const old = capErrorOf(() => parseCap(MINIMAL.replace(':cap:1.2', ':cap:1.1')));
    expect(old.code).toBe('cap_wrong_namespace');
    expect(old.message).toMatch(/older CAP versions/);
    expect(capErrorOf(() => parseCap('<feed/>')).code).toBe('cap_wrong_namespace');
  });

  it('refuses nesting deeper than CAP allows', () => {
    const deep = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</alert>`;
    expect(CapError.isInstance(capErrorOf(() => parseCap(deep)))).toBe(true);
  });
});

describe('parseCap names the element path and the rule broken', () => {
  const issuesOf = (xml: string) =>
    capErrorOf(() => parseCap(xml)).issues.map((i) => `${i.at}: ${i.message}`);

  it('a polygon with too few points', () => {
    expect(issuesOf(MINIMAL.replace('1,1 1,2 2,2 1,1', '1,1 1,2 1,1'))).toEqual([
      'alert/info[0]/area[0]/polygon[0]: a polygon needs at least 4 points (first = last), found 3',
    ]);
  });

  it('an open polygon and a bad circle', () => {
    const xml = MINIMAL.replace('1,1 1,2 2,2 1,1', '1,1 1,2 2,2 3,3').replace(
      '</polygon>',
      '</polygon><circle>1,1</circle>',
    );
    const issues = issuesOf(xml);
    expect(issues[0]).toMatch(/^alert\/info\[0\]\/area\[0\]\/circle\[0\]: expected "lat,lon radius"/);
    expect(issues[1]).toMatch(/^alert\/info\[0\]\/area\[0\]\/polygon\[0\]: a polygon must be closed/);
  });

  it('a date-time with Z or fractions', () => {
    expect(issuesOf(MINIMAL.replace('2026-11-26T08:00:00+07:00', '2026-11-26T01:00:00Z'))[0]).toMatch(
      /^alert\/sent: expected YYYY-MM-DDThh:mm:ss±hh:mm .*"2026-11-26T01:00:00Z"/,
    );
    expect(issuesOf(MINIMAL.replace('08:00:00+07:00', '08:00:00.5+07:00'))[0]).toMatch(/^alert\/sent:/);
  });

  it('a missing required element, an unknown one and the wrong order', () => {
    expect(issuesOf(MINIMAL.replace('<event>Thử</event>', ''))).toEqual([
      'alert/info[0]/event: required element <event> is missing',
    ]);
    expect(
      issuesOf(MINIMAL.replace('<scope>Public</scope>', '<scope>Public</scope><colour>red</colour>'))[0],
    ).toMatch(/^alert\/colour: unexpected element <colour>/);
    const swapped = MINIMAL.replace(
      '<status>Test</status><msgType>Alert</msgType>',
      '<msgType>Alert</msgType><status>Test</status>',
    );
    expect(issuesOf(swapped)[0]).toBe(
      'alert/status: <status> must come before <msgType> (CAP 1.2 fixes the element order)',
    );
  });

  it('an enumeration value out of the list, and an Update without references', () => {
    expect(issuesOf(MINIMAL.replace('<severity>Minor</severity>', '<severity>High</severity>'))).toEqual([
      'alert/info[0]/severity: expected one of Extreme, Severe, Moderate, Minor, Unknown; found "High"',
    ]);
    expect(issuesOf(MINIMAL.replace('<msgType>Alert</msgType>', '<msgType>Update</msgType>'))).toEqual([
      'alert/references: msgType Update must name the earlier message(s) in <references>',
    ]);
  });

  it('a resource digest that is not SHA-1 and an identifier with a space', () => {
    const xml = MINIMAL.replace('<identifier>T-1</identifier>', '<identifier>T 1</identifier>').replace(
      '<area>',
      '<resource><resourceDesc>a</resourceDesc><mimeType>audio/mpeg</mimeType><digest>abc</digest></resource><area>',
    );
    const issues = issuesOf(xml);
    expect(issues).toContain('alert/identifier: must not contain spaces, commas, "<" or "&"; found "T 1"');
    expect(
      issues.some((i) => i.startsWith('alert/info[0]/resource[0]/digest: expected a SHA-1 digest')),
    ).toBe(true);
  });
});

describe('parseCap never crashes (property)', () => {
  const isCapError = (run: () => unknown) => {
    try {
      run();
      return true;
    } catch (error) {
      return CapError.isInstance(error);
    }
  };

  it('arbitrary text gives a CapError or an alert', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => isCapError(() => parseCap(s))),
      { numRuns: 300 },
    );
  });

  it('XML-ish text gives a CapError or an alert', () => {
    const piece = fc.constantFrom(
      '<',
      '>',
      '/',
      '</',
      'alert',
      'info',
      ' xmlns="urn:oasis:names:tc:emergency:cap:1.2"',
      '&amp;',
      '&#x0;',
      '&#xD800;',
      '&#99999999;',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
      '"',
      '=',
      'cap:',
      ' ',
    );
    const xmlish = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(
      fc.property(xmlish, (s) => isCapError(() => parseCap(s))),
      { numRuns: 500 },
    );
  });

  it('mutated real alerts give a CapError or an alert', () => {
    const mutation = fc.record({
      doc: fc.constantFrom(...realAlerts.map((a) => a.xml), MINIMAL),
      at: fc.nat(),
      length: fc.nat({ max: 40 }),
      insert: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('<x>', '</info>', '<info>', 'Z', ' ', '&', '<area/>'),
      ),
    });
    fc.assert(
      fc.property(mutation, ({ doc, at, length, insert }) => {
        const i = at % (doc.length + 1);
        const mutated = doc.slice(0, i) + insert + doc.slice(i + length);
        return isCapError(() => parseCap(mutated));
      }),
      { numRuns: 500 },
    );
  });
});

describe('date-time offsets', () => {
  it('refuses an offset beyond ±14:00, as xs:dateTime does', () => {
    const error = capErrorOf(() => parseCap(MINIMAL.replace('+07:00', '+14:30')));
    expect(error.issues[0]?.message).toMatch(/beyond ±14:00/);
  });
});
