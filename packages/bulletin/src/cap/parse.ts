import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CapError, type CapIssue, capIssue, throwInvalid } from './errors';
import {
  CAP_NAMESPACE,
  type CapAlert,
  type CapArea,
  type CapCategory,
  type CapCertainty,
  type CapInfo,
  type CapMsgType,
  type CapResource,
  type CapResponseType,
  type CapScope,
  type CapSeverity,
  type CapStatus,
  type CapUrgency,
  type CapValuePair,
} from './model';
import { validateCapAlert } from './validate';
import { parseCircle, parseDecimal, parsePolygon, parseReferences } from './values';

const XMLDSIG = 'http://www.w3.org/2000/09/xmldsig#';
/** Deeper than any CAP element (alert/info/area/geocode/value is 5): the rest is refused. */
const MAX_DEPTH = 32;

/**
 * Options of {@link parseCap}.
 *
 * @example
 * ```ts
 * parseCap(xml, { maxLength: 1_000_000 });
 * ```
 */
export interface ParseCapOptions {
  /** Largest accepted input, in characters (default 5,000,000: room for embedded audio in `derefUri`). */
  maxLength?: number;
}

interface XNode {
  ns: string | undefined;
  local: string;
  children: XNode[];
  text: string;
  /** Non-whitespace text found beside child elements. */
  strayText: boolean;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  cdataPropName: '#cdata',
});

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(
    ENTITY,
    (whole, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
      if (name) return NAMED[name] as string;
      const code = dec !== undefined ? Number(dec) : Number.parseInt(hex as string, 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

type Raw = Record<string, unknown>;

function tagOf(raw: Raw): string | undefined {
  for (const key of Object.keys(raw)) if (key !== ':@') return key;
  return undefined;
}

function toNode(raw: Raw, scope: Map<string, string>, depth: number): XNode {
  const tag = tagOf(raw) as string;
  if (depth > MAX_DEPTH)
    throw new CapError(
      'cap_invalid',
      `elements nested more than ${MAX_DEPTH} deep (at <${tag}>); no CAP element is`,
    );
  const attrs = (raw[':@'] ?? {}) as Record<string, string>;
  let inner = scope;
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      inner.set(name === 'xmlns' ? '' : name.slice(6), decodeEntities(value));
    }
  }
  const colon = tag.indexOf(':');
  const prefix = colon === -1 ? '' : tag.slice(0, colon);
  const node: XNode = {
    ns: inner.get(prefix),
    local: colon === -1 ? tag : tag.slice(colon + 1),
    children: [],
    text: '',
    strayText: false,
  };
  const items = (raw[tag] ?? []) as Raw[];
  for (const item of items) {
    if ('#text' in item) node.text += decodeEntities(String(item['#text']));
    else if ('#cdata' in item) {
      for (const part of item['#cdata'] as Raw[]) node.text += String(part['#text'] ?? '');
    } else if (tagOf(item) !== undefined) node.children.push(toNode(item, inner, depth + 1));
  }
  if (node.children.length > 0 && node.text.trim() !== '') node.strayText = true;
  return node;
}

interface Field {
  name: string;
  max: number;
  min: number;
}

const ONE: Pick<Field, 'min' | 'max'> = { min: 1, max: 1 };
const OPT: Pick<Field, 'min' | 'max'> = { min: 0, max: 1 };
const MANY: Pick<Field, 'min' | 'max'> = { min: 0, max: Number.POSITIVE_INFINITY };
const SOME: Pick<Field, 'min' | 'max'> = { min: 1, max: Number.POSITIVE_INFINITY };

function fields(spec: [string, Pick<Field, 'min' | 'max'>][]): Field[] {
  return spec.map(([name, m]) => ({ name, ...m }));
}

const ALERT = fields([
  ['identifier', ONE],
  ['sender', ONE],
  ['sent', ONE],
  ['status', ONE],
  ['msgType', ONE],
  ['source', OPT],
  ['scope', ONE],
  ['restriction', OPT],
  ['addresses', OPT],
  ['code', MANY],
  ['note', OPT],
  ['references', OPT],
  ['incidents', OPT],
  ['info', MANY],
]);
const INFO = fields([
  ['language', OPT],
  ['category', SOME],
  ['event', ONE],
  ['responseType', MANY],
  ['urgency', ONE],
  ['severity', ONE],
  ['certainty', ONE],
  ['audience', OPT],
  ['eventCode', MANY],
  ['effective', OPT],
  ['onset', OPT],
  ['expires', OPT],
  ['senderName', OPT],
  ['headline', OPT],
  ['description', OPT],
  ['instruction', OPT],
  ['web', OPT],
  ['contact', OPT],
  ['parameter', MANY],
  ['resource', MANY],
  ['area', MANY],
]);
const RESOURCE = fields([
  ['resourceDesc', ONE],
  ['mimeType', ONE],
  ['size', OPT],
  ['uri', OPT],
  ['derefUri', OPT],
  ['digest', OPT],
]);
const AREA = fields([
  ['areaDesc', ONE],
  ['polygon', MANY],
  ['circle', MANY],
  ['geocode', MANY],
  ['altitude', OPT],
  ['ceiling', OPT],
]);
const PAIR = fields([
  ['valueName', ONE],
  ['value', ONE],
]);

/** The children of one element, grouped by name, after the sequence has been checked. */
class Group {
  private readonly byName = new Map<string, XNode[]>();

  constructor(
    private readonly reader: Reader,
    readonly node: XNode,
    readonly at: string,
    spec: Field[],
    trailingNamespace?: string,
  ) {
    let children = node.children;
    if (trailingNamespace) {
      let end = children.length;
      while (end > 0 && children[end - 1]?.ns === trailingNamespace) end--;
      children = children.slice(0, end);
    }
    if (node.strayText)
      reader.issue(
        at,
        'cap_structure',
        `expected only child elements, found text ${JSON.stringify(node.text.trim().slice(0, 40))}`,
      );
    let lastIndex = -1;
    let lastName = '';
    const count = new Map<string, number>();
    for (const child of children) {
      const index = spec.findIndex((f) => f.name === child.local);
      if (child.ns !== CAP_NAMESPACE || index === -1) {
        const where =
          child.ns === CAP_NAMESPACE
            ? ''
            : ` in namespace ${child.ns === undefined ? '(none)' : JSON.stringify(child.ns)}`;
        reader.issue(
          `${at}/${child.local}`,
          'cap_structure',
          `unexpected element <${child.local}>${where}; CAP 1.2 allows here: ${spec.map((f) => f.name).join(', ')}`,
        );
        continue;
      }
      const n = count.get(child.local) ?? 0;
      count.set(child.local, n + 1);
      const field = spec[index] as Field;
      const childAt = field.max > 1 ? `${at}/${child.local}[${n}]` : `${at}/${child.local}`;
      if (index < lastIndex)
        reader.issue(
          childAt,
          'cap_order',
          `<${child.local}> must come before <${lastName}> (CAP 1.2 fixes the element order)`,
        );
      else {
        lastIndex = index;
        lastName = child.local;
      }
      if (n >= field.max) {
        reader.issue(childAt, 'cap_structure', `<${child.local}> may appear at most once`);
        continue;
      }
      const list = this.byName.get(child.local) ?? [];
      list.push(child);
      this.byName.set(child.local, list);
    }
    for (const field of spec)
      if ((this.byName.get(field.name)?.length ?? 0) < field.min)
        reader.issue(`${at}/${field.name}`, 'cap_required', `required element <${field.name}> is missing`);
  }

  all(name: string): { node: XNode; at: string }[] {
    return (this.byName.get(name) ?? []).map((node, i) => ({ node, at: `${this.at}/${name}[${i}]` }));
  }

  /** Trimmed text of a single element; empty optional elements count as absent. */
  text(name: string): string | undefined {
    const node = this.byName.get(name)?.[0];
    if (!node) return undefined;
    const value = this.reader.leaf(node, `${this.at}/${name}`);
    return value === '' ? undefined : value;
  }

  required(name: string): string {
    const node = this.byName.get(name)?.[0];
    return node ? this.reader.leaf(node, `${this.at}/${name}`) : '';
  }

  texts(name: string): { value: string; at: string }[] {
    return this.all(name).map(({ node, at }) => ({ value: this.reader.leaf(node, at), at }));
  }
}

class Reader {
  readonly issues: CapIssue[] = [];

  issue(at: string, code: string, message: string): void {
    this.issues.push(capIssue(at, code, message));
  }

  leaf(node: XNode, at: string): string {
    if (node.children.length > 0) {
      this.issue(at, 'cap_structure', `expected text, found element <${node.children[0]?.local}>`);
      return '';
    }
    return node.text.trim();
  }

  pairs(group: Group, name: string): CapValuePair[] {
    return group.all(name).map(({ node, at }) => {
      const g = new Group(this, node, at, PAIR);
      return { valueName: g.required('valueName'), value: g.required('value') };
    });
  }

  alert(node: XNode): CapAlert {
    const g = new Group(this, node, 'alert', ALERT, XMLDSIG);
    const alert: CapAlert = {
      identifier: g.required('identifier'),
      sender: g.required('sender'),
      sent: g.required('sent'),
      status: g.required('status') as CapStatus,
      msgType: g.required('msgType') as CapMsgType,
      scope: g.required('scope') as CapScope,
      codes: g.texts('code').map((c) => c.value),
      references: [],
      infos: g.all('info').map(({ node: n, at }) => this.info(n, at)),
    };
    assign(alert, 'source', g.text('source'));
    assign(alert, 'restriction', g.text('restriction'));
    assign(alert, 'addresses', g.text('addresses'));
    assign(alert, 'note', g.text('note'));
    assign(alert, 'incidents', g.text('incidents'));
    const refs = g.text('references');
    if (refs !== undefined) {
      const parsed = parseReferences(refs);
      if (typeof parsed === 'string') this.issue('alert/references', 'cap_references', parsed);
      else alert.references = parsed;
    }
    return orderAlert(alert);
  }

  info(node: XNode, at: string): CapInfo {
    const g = new Group(this, node, at, INFO);
    const info: CapInfo = {
      categories: g.texts('category').map((c) => c.value as CapCategory),
      event: g.required('event'),
      responseTypes: g.texts('responseType').map((c) => c.value as CapResponseType),
      urgency: g.required('urgency') as CapUrgency,
      severity: g.required('severity') as CapSeverity,
      certainty: g.required('certainty') as CapCertainty,
      eventCodes: this.pairs(g, 'eventCode'),
      parameters: this.pairs(g, 'parameter'),
      resources: g.all('resource').map(({ node: n, at: rat }) => this.resource(n, rat)),
      areas: g.all('area').map(({ node: n, at: aat }) => this.area(n, aat)),
    };
    for (const key of [
      'language',
      'audience',
      'effective',
      'onset',
      'expires',
      'senderName',
      'headline',
      'description',
      'instruction',
      'web',
      'contact',
    ] as const)
      assign(info, key, g.text(key));
    return orderInfo(info);
  }

  resource(node: XNode, at: string): CapResource {
    const g = new Group(this, node, at, RESOURCE);
    const resource: CapResource = {
      resourceDesc: g.required('resourceDesc'),
      mimeType: g.required('mimeType'),
    };
    const size = g.text('size');
    if (size !== undefined) {
      if (/^\d+$/.test(size)) resource.size = Number(size);
      else
        this.issue(
          `${at}/size`,
          'cap_number',
          `expected a size in bytes (a whole number), found ${JSON.stringify(size)}`,
        );
    }
    assign(resource, 'uri', g.text('uri'));
    assign(resource, 'derefUri', g.text('derefUri'));
    assign(resource, 'digest', g.text('digest'));
    return resource;
  }

  area(node: XNode, at: string): CapArea {
    const g = new Group(this, node, at, AREA);
    const area: CapArea = {
      areaDesc: g.required('areaDesc'),
      polygons: [],
      circles: [],
      geocodes: this.pairs(g, 'geocode'),
    };
    for (const { value, at: pat } of g.texts('polygon')) {
      if (value === '') continue; // an empty <polygon/> carries nothing; some feeds publish one
      const ring = parsePolygon(value);
      if (typeof ring === 'string') this.issue(pat, 'cap_polygon', ring);
      else area.polygons.push(ring);
    }
    for (const { value, at: cat } of g.texts('circle')) {
      if (value === '') continue;
      const circle = parseCircle(value);
      if (typeof circle === 'string') this.issue(cat, 'cap_circle', circle);
      else area.circles.push(circle);
    }
    for (const key of ['altitude', 'ceiling'] as const) {
      const text = g.text(key);
      if (text === undefined) continue;
      const n = parseDecimal(text);
      if (n === undefined)
        this.issue(
          `${at}/${key}`,
          'cap_number',
          `expected a decimal number of feet, found ${JSON.stringify(text)}`,
        );
      else area[key] = n;
    }
    return area;
  }
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

const ALERT_KEYS: (keyof CapAlert)[] = [
  'identifier',
  'sender',
  'sent',
  'status',
  'msgType',
  'source',
  'scope',
  'restriction',
  'addresses',
  'codes',
  'note',
  'references',
  'incidents',
  'infos',
];
const INFO_KEYS: (keyof CapInfo)[] = [
  'language',
  'categories',
  'event',
  'responseTypes',
  'urgency',
  'severity',
  'certainty',
  'audience',
  'eventCodes',
  'effective',
  'onset',
  'expires',
  'senderName',
  'headline',
  'description',
  'instruction',
  'web',
  'contact',
  'parameters',
  'resources',
  'areas',
];

// Objects come out with their keys in CAP element order, so that JSON output reads like the XML.
function reorder<T extends object>(value: T, keys: (keyof T)[]): T {
  const out = {} as T;
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
const orderAlert = (a: CapAlert) => reorder(a, ALERT_KEYS);
const orderInfo = (i: CapInfo) => reorder(i, INFO_KEYS);

function parseTree(xml: string): XNode {
  const check = XMLValidator.validate(xml);
  if (check !== true)
    throw new CapError(
      'cap_malformed_xml',
      `not well-formed XML at line ${check.err.line}, column ${check.err.col}: ${check.err.msg}`,
      {
        issues: [
          {
            path: [],
            at: `line ${check.err.line}, column ${check.err.col}`,
            code: check.err.code,
            message: check.err.msg,
          },
        ],
      },
    );
  let raw: Raw[];
  try {
    raw = parser.parse(xml) as Raw[];
  } catch (cause) {
    throw new CapError(
      'cap_malformed_xml',
      `not well-formed XML: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  const roots = raw.filter((item) => tagOf(item) !== undefined && !('#text' in item) && !('#cdata' in item));
  if (roots.length !== 1)
    throw new CapError(
      'cap_malformed_xml',
      `expected exactly one root element <alert>, found ${roots.length}`,
    );
  return toNode(roots[0] as Raw, new Map(), 0);
}

/**
 * Parses a CAP 1.2 XML document into a {@link CapAlert}, checking it against every CAP 1.2 rule.
 * The CAP namespace may be the default one or bound to a prefix (`<cap:alert xmlns:cap=…>`). Hostile
 * XML is refused before parsing: a DOCTYPE or ENTITY declaration (XXE, "billion laughs") and inputs
 * over `maxLength`. XML-DSig `Signature` elements at the end of the alert are accepted and dropped.
 * Empty optional elements (`<note/>`) count as absent; text is trimmed.
 *
 * @throws {CapError} `cap_too_large`, `cap_forbidden_dtd`, `cap_malformed_xml`, `cap_wrong_namespace`
 * or `cap_invalid` (with every broken rule in `issues`, each naming its element path).
 * @example
 * ```ts
 * const alert = parseCap(readFileSync('alert.xml', 'utf8'));
 * console.log(alert.infos[0]?.headline);
 * ```
 */
export function parseCap(xml: string, options: ParseCapOptions = {}): CapAlert {
  if (typeof xml !== 'string')
    throw new CapError('cap_malformed_xml', `expected XML text, found ${typeof xml}`);
  const max = options.maxLength ?? 5_000_000;
  if (xml.length > max)
    throw new CapError(
      'cap_too_large',
      `CAP document of ${xml.length} characters is over the limit of ${max}`,
    );
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new CapError(
      'cap_forbidden_dtd',
      'DOCTYPE and ENTITY declarations are refused (they enable XXE and entity-expansion attacks); CAP 1.2 needs neither',
    );
  const root = parseTree(xml.replace(/^\uFEFF/, ''));
  if (root.local !== 'alert' || root.ns !== CAP_NAMESPACE) {
    const found = `<${root.local}> in namespace ${root.ns === undefined ? '(none)' : JSON.stringify(root.ns)}`;
    const hint = /^urn:oasis:names:tc:emergency:cap:1\.[01]$/.test(root.ns ?? '')
      ? ' (older CAP versions are not supported)'
      : '';
    throw new CapError(
      'cap_wrong_namespace',
      `expected <alert> in namespace "${CAP_NAMESPACE}", found ${found}${hint}`,
      {
        issues: [
          capIssue(
            root.local,
            'cap_wrong_namespace',
            `expected <alert xmlns="${CAP_NAMESPACE}">, found ${found}`,
          ),
        ],
      },
    );
  }
  const reader = new Reader();
  const alert = reader.alert(root);
  const seen = new Set(reader.issues.map((i) => i.at));
  const issues = [...reader.issues, ...validateCapAlert(alert).filter((i) => !seen.has(i.at))];
  if (issues.length > 0) throwInvalid(issues);
  return alert;
}
