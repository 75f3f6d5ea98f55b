import { type CapIssue, capIssue } from './errors';
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
  type CapAlert,
  type CapArea,
  type CapInfo,
  type CapPoint,
  type CapResource,
  type CapValuePair,
} from './model';
import { checkCapDateTime, isCapToken } from './values';

// XML 1.0 cannot carry C0 control characters other than tab, LF and CR, U+FFFE/U+FFFF or lone surrogates.
function hasNonXmlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}
const LANGUAGE = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

class Checker {
  readonly issues: CapIssue[] = [];

  add(at: string, code: string, message: string): void {
    this.issues.push(capIssue(at, code, message));
  }

  /** `required`: present and non-empty; `false`: may be absent; `'present'`: present, may be empty. */
  text(at: string, value: unknown, required: boolean | 'present'): value is string {
    if (value === undefined && required === false) return false;
    if (typeof value !== 'string') {
      this.add(at, 'cap_type', `expected text, found ${value === undefined ? 'nothing' : typeof value}`);
      return false;
    }
    if (required === true && value.trim() === '')
      this.add(at, 'cap_required', 'expected a non-empty value, found an empty one');
    if (hasNonXmlCharacter(value))
      this.add(at, 'cap_character', 'contains a control character that XML 1.0 cannot carry');
    return true;
  }

  token(at: string, value: unknown): void {
    if (this.text(at, value, true) && value.trim() !== '' && !isCapToken(value))
      this.add(
        at,
        'cap_token',
        `must not contain spaces, commas, "<" or "&"; found ${JSON.stringify(value)}`,
      );
  }

  dateTime(at: string, value: unknown, required: boolean): void {
    if (!this.text(at, value, required)) return;
    const problem = checkCapDateTime(value);
    if (problem) this.add(at, 'cap_datetime', problem);
  }

  oneOf(at: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value))
      this.add(at, 'cap_enum', `expected one of ${allowed.join(', ')}; found ${JSON.stringify(value)}`);
  }

  list<T>(at: string, value: unknown, each: (item: T, at: string) => void, min = 0): void {
    if (!Array.isArray(value)) {
      this.add(at, 'cap_type', `expected a list, found ${typeof value}`);
      return;
    }
    if (value.length < min)
      this.add(at, 'cap_required', `expected at least ${min} element${min === 1 ? '' : 's'}, found none`);
    for (const [i, item] of (value as T[]).entries()) each(item, `${at}[${i}]`);
  }

  number(at: string, value: unknown, integer = false): value is number {
    if (value === undefined) return false;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      this.add(
        at,
        'cap_number',
        `expected a finite ${integer ? 'integer' : 'decimal number'}, found ${JSON.stringify(value)}`,
      );
      return false;
    }
    return true;
  }

  pair(at: string, pair: CapValuePair): void {
    if (typeof pair !== 'object' || pair === null) {
      this.add(at, 'cap_type', 'expected a valueName/value pair');
      return;
    }
    this.text(`${at}/valueName`, pair.valueName, true);
    this.text(`${at}/value`, pair.value, 'present');
  }

  point(at: string, p: CapPoint): void {
    if (typeof p !== 'object' || p === null || !this.number(at, p.lat) || !this.number(at, p.lon)) {
      if (typeof p !== 'object' || p === null) this.add(at, 'cap_type', 'expected a point {lat, lon}');
      return;
    }
    if (p.lat < -90 || p.lat > 90 || p.lon < -180 || p.lon > 180)
      this.add(
        at,
        'cap_coordinate',
        `expected latitude in [-90, 90] and longitude in [-180, 180], found ${p.lat},${p.lon}`,
      );
  }
}

function checkResource(c: Checker, r: CapResource, at: string): void {
  c.text(`${at}/resourceDesc`, r.resourceDesc, true);
  c.text(`${at}/mimeType`, r.mimeType, true);
  if (c.number(`${at}/size`, r.size, true) && r.size < 0)
    c.add(`${at}/size`, 'cap_number', `expected a size in bytes ≥ 0, found ${r.size}`);
  if (c.text(`${at}/uri`, r.uri, false) && /\s/.test(r.uri.trim()))
    c.add(`${at}/uri`, 'cap_uri', `a URI cannot contain whitespace; found ${JSON.stringify(r.uri)}`);
  if (c.text(`${at}/derefUri`, r.derefUri, false) && !BASE64.test(r.derefUri))
    c.add(`${at}/derefUri`, 'cap_base64', 'expected the resource content in base64');
  if (c.text(`${at}/digest`, r.digest, false) && !SHA1_HEX.test(r.digest))
    c.add(
      `${at}/digest`,
      'cap_digest',
      `expected a SHA-1 digest (40 hexadecimal digits) as CAP 1.2 specifies, found ${JSON.stringify(r.digest)}`,
    );
}

function checkArea(c: Checker, area: CapArea, at: string): void {
  c.text(`${at}/areaDesc`, area.areaDesc, true);
  c.list<CapPoint[]>(`${at}/polygon`, area.polygons, (ring, pat) => {
    if (!Array.isArray(ring)) return c.add(pat, 'cap_type', 'expected a list of points');
    for (const p of ring) c.point(pat, p);
    if (ring.length < 4)
      c.add(pat, 'cap_polygon', `a polygon needs at least 4 points (first = last), found ${ring.length}`);
    else {
      const first = ring[0] as CapPoint;
      const last = ring[ring.length - 1] as CapPoint;
      if (first.lat !== last.lat || first.lon !== last.lon)
        c.add(
          pat,
          'cap_polygon',
          `a polygon must be closed: first point ${first.lat},${first.lon} differs from last ${last.lat},${last.lon}`,
        );
    }
  });
  c.list<CapArea['circles'][number]>(`${at}/circle`, area.circles, (circle, cat) => {
    if (typeof circle !== 'object' || circle === null)
      return c.add(cat, 'cap_type', 'expected a circle {center, radiusKm}');
    c.point(cat, circle.center);
    if (c.number(cat, circle.radiusKm) && circle.radiusKm < 0)
      c.add(
        cat,
        'cap_circle',
        `the radius is in kilometres and cannot be negative, found ${circle.radiusKm}`,
      );
  });
  c.list<CapValuePair>(`${at}/geocode`, area.geocodes, (g, gat) => c.pair(gat, g));
  c.number(`${at}/altitude`, area.altitude);
  if (c.number(`${at}/ceiling`, area.ceiling)) {
    if (area.altitude === undefined)
      c.add(`${at}/ceiling`, 'cap_ceiling', 'ceiling may only be used together with altitude');
    else if (area.ceiling < area.altitude)
      c.add(`${at}/ceiling`, 'cap_ceiling', `ceiling ${area.ceiling} is below altitude ${area.altitude}`);
  }
}

function checkInfo(c: Checker, info: CapInfo, at: string): void {
  if (c.text(`${at}/language`, info.language, false) && !LANGUAGE.test(info.language))
    c.add(
      `${at}/language`,
      'cap_language',
      `expected a language tag such as "vi-VN" or "en-US", found ${JSON.stringify(info.language)}`,
    );
  c.list<string>(`${at}/category`, info.categories, (v, cat) => c.oneOf(cat, v, CAP_CATEGORIES), 1);
  c.text(`${at}/event`, info.event, true);
  c.list<string>(`${at}/responseType`, info.responseTypes, (v, rat) => c.oneOf(rat, v, CAP_RESPONSE_TYPES));
  c.oneOf(`${at}/urgency`, info.urgency, CAP_URGENCIES);
  c.oneOf(`${at}/severity`, info.severity, CAP_SEVERITIES);
  c.oneOf(`${at}/certainty`, info.certainty, CAP_CERTAINTIES);
  c.text(`${at}/audience`, info.audience, false);
  c.list<CapValuePair>(`${at}/eventCode`, info.eventCodes, (p, pat) => c.pair(pat, p));
  c.dateTime(`${at}/effective`, info.effective, false);
  c.dateTime(`${at}/onset`, info.onset, false);
  c.dateTime(`${at}/expires`, info.expires, false);
  for (const key of ['senderName', 'headline', 'description', 'instruction', 'contact'] as const)
    c.text(`${at}/${key}`, info[key], false);
  if (c.text(`${at}/web`, info.web, false) && /\s/.test(info.web))
    c.add(`${at}/web`, 'cap_uri', `a URI cannot contain whitespace; found ${JSON.stringify(info.web)}`);
  c.list<CapValuePair>(`${at}/parameter`, info.parameters, (p, pat) => c.pair(pat, p));
  c.list<CapResource>(`${at}/resource`, info.resources, (r, rat) => checkResource(c, r, rat));
  c.list<CapArea>(`${at}/area`, info.areas, (a, aat) => checkArea(c, a, aat));
}

/**
 * Checks a CAP alert against the CAP 1.2 rules that the XML schema cannot express as well as those it
 * can (enumerations, date-times, required elements, identifiers, references, polygons, circles,
 * digests). Returns every problem found; an empty list means the alert is valid.
 *
 * @example
 * ```ts
 * for (const issue of validateCapAlert(alert)) console.error(`${issue.at}: ${issue.message}`);
 * ```
 */
export function validateCapAlert(alert: CapAlert): CapIssue[] {
  const c = new Checker();
  if (typeof alert !== 'object' || alert === null) {
    c.add(
      'alert',
      'cap_type',
      `expected a CAP alert object, found ${alert === null ? 'null' : typeof alert}`,
    );
    return c.issues;
  }
  c.token('alert/identifier', alert.identifier);
  c.token('alert/sender', alert.sender);
  c.dateTime('alert/sent', alert.sent, true);
  c.oneOf('alert/status', alert.status, CAP_STATUSES);
  c.oneOf('alert/msgType', alert.msgType, CAP_MSG_TYPES);
  c.text('alert/source', alert.source, false);
  c.oneOf('alert/scope', alert.scope, CAP_SCOPES);
  c.text('alert/restriction', alert.restriction, false);
  c.text('alert/addresses', alert.addresses, false);
  if (alert.scope === 'Private' && (alert.addresses === undefined || alert.addresses.trim() === ''))
    c.add('alert/addresses', 'cap_required', 'scope Private requires <addresses>');
  c.list<string>('alert/code', alert.codes, (v, at) => c.text(at, v, true));
  c.text('alert/note', alert.note, false);
  c.list<CapAlert['references'][number]>('alert/references', alert.references, (r, at) => {
    if (typeof r !== 'object' || r === null)
      return c.add(at, 'cap_type', 'expected {sender, identifier, sent}');
    c.token(`${at}/sender`, r.sender);
    c.token(`${at}/identifier`, r.identifier);
    c.dateTime(`${at}/sent`, r.sent, true);
  });
  if (
    (alert.msgType === 'Update' || alert.msgType === 'Cancel') &&
    Array.isArray(alert.references) &&
    alert.references.length === 0
  )
    c.add(
      'alert/references',
      'cap_required',
      `msgType ${alert.msgType} must name the earlier message(s) in <references>`,
    );
  c.text('alert/incidents', alert.incidents, false);
  c.list<CapInfo>('alert/info', alert.infos, (info, at) => {
    if (typeof info !== 'object' || info === null) return c.add(at, 'cap_type', 'expected an info block');
    checkInfo(c, info, at);
  });
  return c.issues;
}
