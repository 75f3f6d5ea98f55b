import { throwInvalid } from './errors';
import {
  CAP_NAMESPACE,
  type CapAlert,
  type CapArea,
  type CapInfo,
  type CapResource,
  type CapValuePair,
} from './model';
import { validateCapAlert } from './validate';
import { formatDecimal, formatPoint, formatReferences } from './values';

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

class Writer {
  private readonly lines: string[] = [];

  constructor(private readonly indent: string) {}

  open(depth: number, name: string, attrs = ''): void {
    this.lines.push(`${this.indent.repeat(depth)}<${name}${attrs}>`);
  }

  close(depth: number, name: string): void {
    this.lines.push(`${this.indent.repeat(depth)}</${name}>`);
  }

  leaf(depth: number, name: string, value: string | number | undefined): void {
    if (value === undefined) return;
    const text = typeof value === 'number' ? formatDecimal(value) : escapeText(value);
    this.lines.push(`${this.indent.repeat(depth)}<${name}>${text}</${name}>`);
  }

  pairs(depth: number, name: string, pairs: readonly CapValuePair[]): void {
    for (const pair of pairs) {
      this.open(depth, name);
      this.leaf(depth + 1, 'valueName', pair.valueName);
      this.leaf(depth + 1, 'value', pair.value);
      this.close(depth, name);
    }
  }

  toString(): string {
    return `${this.lines.join(this.indent === '' ? '' : '\n')}\n`;
  }
}

function writeResource(w: Writer, d: number, r: CapResource): void {
  w.open(d, 'resource');
  w.leaf(d + 1, 'resourceDesc', r.resourceDesc);
  w.leaf(d + 1, 'mimeType', r.mimeType);
  w.leaf(d + 1, 'size', r.size);
  w.leaf(d + 1, 'uri', r.uri);
  w.leaf(d + 1, 'derefUri', r.derefUri);
  w.leaf(d + 1, 'digest', r.digest);
  w.close(d, 'resource');
}

function writeArea(w: Writer, d: number, a: CapArea): void {
  w.open(d, 'area');
  w.leaf(d + 1, 'areaDesc', a.areaDesc);
  for (const ring of a.polygons) w.leaf(d + 1, 'polygon', ring.map(formatPoint).join(' '));
  for (const c of a.circles) w.leaf(d + 1, 'circle', `${formatPoint(c.center)} ${formatDecimal(c.radiusKm)}`);
  w.pairs(d + 1, 'geocode', a.geocodes);
  w.leaf(d + 1, 'altitude', a.altitude);
  w.leaf(d + 1, 'ceiling', a.ceiling);
  w.close(d, 'area');
}

function writeInfo(w: Writer, d: number, i: CapInfo): void {
  const e = d + 1;
  w.open(d, 'info');
  w.leaf(e, 'language', i.language);
  for (const c of i.categories) w.leaf(e, 'category', c);
  w.leaf(e, 'event', i.event);
  for (const r of i.responseTypes) w.leaf(e, 'responseType', r);
  w.leaf(e, 'urgency', i.urgency);
  w.leaf(e, 'severity', i.severity);
  w.leaf(e, 'certainty', i.certainty);
  w.leaf(e, 'audience', i.audience);
  w.pairs(e, 'eventCode', i.eventCodes);
  w.leaf(e, 'effective', i.effective);
  w.leaf(e, 'onset', i.onset);
  w.leaf(e, 'expires', i.expires);
  w.leaf(e, 'senderName', i.senderName);
  w.leaf(e, 'headline', i.headline);
  w.leaf(e, 'description', i.description);
  w.leaf(e, 'instruction', i.instruction);
  w.leaf(e, 'web', i.web);
  w.leaf(e, 'contact', i.contact);
  w.pairs(e, 'parameter', i.parameters);
  for (const r of i.resources) writeResource(w, e, r);
  for (const a of i.areas) writeArea(w, e, a);
  w.close(d, 'info');
}

/**
 * Options of {@link serializeCap}.
 *
 * @example
 * ```ts
 * serializeCap(alert, { indent: '' }); // one line, no indentation
 * ```
 */
export interface SerializeCapOptions {
  /** Indentation of each level (default two spaces; `''` writes everything on one line). */
  indent?: string;
}

/**
 * Writes a {@link CapAlert} as CAP 1.2 XML, elements in the order the CAP 1.2 schema fixes, in the
 * default namespace `urn:oasis:names:tc:emergency:cap:1.2`. The alert is checked first, so the
 * output always validates against the CAP 1.2 XML schema.
 *
 * @throws {CapError} `cap_invalid` listing every broken rule with its element path.
 * @example
 * ```ts
 * const xml = serializeCap(parseCap(input)); // a clean, re-indented copy of a valid alert
 * ```
 */
export function serializeCap(alert: CapAlert, options: SerializeCapOptions = {}): string {
  const issues = validateCapAlert(alert);
  if (issues.length > 0) throwInvalid(issues);
  const w = new Writer(options.indent ?? '  ');
  w.open(0, 'alert', ` xmlns="${CAP_NAMESPACE}"`);
  w.leaf(1, 'identifier', alert.identifier);
  w.leaf(1, 'sender', alert.sender);
  w.leaf(1, 'sent', alert.sent);
  w.leaf(1, 'status', alert.status);
  w.leaf(1, 'msgType', alert.msgType);
  w.leaf(1, 'source', alert.source);
  w.leaf(1, 'scope', alert.scope);
  w.leaf(1, 'restriction', alert.restriction);
  w.leaf(1, 'addresses', alert.addresses);
  for (const code of alert.codes) w.leaf(1, 'code', code);
  w.leaf(1, 'note', alert.note);
  if (alert.references.length > 0) w.leaf(1, 'references', formatReferences(alert.references));
  w.leaf(1, 'incidents', alert.incidents);
  for (const info of alert.infos) writeInfo(w, 1, info);
  w.close(0, 'alert');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${w.toString()}`;
}
