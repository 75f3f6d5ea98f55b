import fc from 'fast-check';
import type { CapAlert, CapArea, CapInfo, CapPoint, CapReference, CapResource } from '../model';
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
} from '../model';

/** Generators of valid CAP 1.2 alerts, for property tests only. */

const CHARS = ['a', 'B', 'z', ' ', '&', '<', '>', '"', "'", 'ệ', 'ạ', 'Đ', '\n', '\t', '1', 'é', '漢', '😀', ']]>', '&amp;', ';'];

export const text = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 16 })
  .map((parts) => parts.join('').trim())
  .filter((s) => s.length > 0);

export const token = fc.stringMatching(/^[A-Za-z0-9._:@-]{1,16}$/);

const pad = (n: number) => String(n).padStart(2, '0');
export const capDateTime = fc
  .record({
    y: fc.integer({ min: 1970, max: 2100 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    sign: fc.constantFrom('+', '-'),
    oh: fc.integer({ min: 0, max: 14 }),
    om: fc.constantFrom(0, 30, 45),
  })
  .map((t) => (t.oh === 14 ? { ...t, om: 0 } : t))
  .map((t) => `${t.y}-${pad(t.mo)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}${t.sign}${pad(t.oh)}:${pad(t.om)}`);

const plain = (n: number) => (n === 0 ? 0 : n);
const degrees = (max: number) => fc.double({ min: -max, max, noNaN: true }).map(plain);
const point: fc.Arbitrary<CapPoint> = fc.record({ lat: degrees(90), lon: degrees(180) });
const polygon = fc.array(point, { minLength: 3, maxLength: 6 }).map((ring) => [...ring, ring[0] as CapPoint]);
const pair = fc.record({ valueName: text, value: fc.oneof(text, fc.constant('')) });

function opt<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined });
}

function clean<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

const area: fc.Arbitrary<CapArea> = fc
  .record({
    areaDesc: text,
    polygons: fc.array(polygon, { maxLength: 2 }),
    circles: fc.array(
      fc.record({ center: point, radiusKm: fc.double({ min: 0, max: 1000, noNaN: true }).map(plain) }),
      { maxLength: 2 },
    ),
    geocodes: fc.array(pair, { maxLength: 3 }),
    altitude: opt(fc.double({ min: -1000, max: 30000, noNaN: true }).map(plain)),
    lift: opt(fc.double({ min: 0, max: 1000, noNaN: true }).map(plain)),
  })
  .map(({ lift, ...a }) =>
    clean({ ...a, ceiling: a.altitude !== undefined && lift !== undefined ? a.altitude + lift : undefined }),
  );

const resource: fc.Arbitrary<CapResource> = fc
  .record({
    resourceDesc: text,
    mimeType: fc.constantFrom('audio/mpeg', 'image/png', 'text/html'),
    size: opt(fc.integer({ min: 0, max: 10_000_000 })),
    uri: opt(token.map((t) => `https://example.org/${t}`)),
    derefUri: opt(fc.constantFrom('QUJD', 'aGVsbG8=')),
    digest: opt(fc.stringMatching(/^[0-9a-f]{40}$/)),
  })
  .map(clean);

const info: fc.Arbitrary<CapInfo> = fc
  .record({
    language: opt(fc.constantFrom('vi', 'vi-VN', 'en-US', 'jra', 'fr-CA', 'es-419')),
    categories: fc.uniqueArray(fc.constantFrom(...CAP_CATEGORIES), { minLength: 1, maxLength: 3 }),
    event: text,
    responseTypes: fc.uniqueArray(fc.constantFrom(...CAP_RESPONSE_TYPES), { maxLength: 2 }),
    urgency: fc.constantFrom(...CAP_URGENCIES),
    severity: fc.constantFrom(...CAP_SEVERITIES),
    certainty: fc.constantFrom(...CAP_CERTAINTIES),
    audience: opt(text),
    eventCodes: fc.array(pair, { maxLength: 2 }),
    effective: opt(capDateTime),
    onset: opt(capDateTime),
    expires: opt(capDateTime),
    senderName: opt(text),
    headline: opt(text),
    description: opt(text),
    instruction: opt(text),
    web: opt(token.map((t) => `https://example.org/${t}`)),
    contact: opt(text),
    parameters: fc.array(pair, { maxLength: 3 }),
    resources: fc.array(resource, { maxLength: 2 }),
    areas: fc.array(area, { maxLength: 2 }),
  })
  .map(clean);

const reference: fc.Arbitrary<CapReference> = fc.record({ sender: token, identifier: token, sent: capDateTime });

/** A valid CAP 1.2 alert. */
export const capAlert: fc.Arbitrary<CapAlert> = fc
  .record({
    identifier: token,
    sender: token,
    sent: capDateTime,
    status: fc.constantFrom(...CAP_STATUSES),
    msgType: fc.constantFrom('Alert', 'Update', 'Cancel', 'Ack', 'Error' as const),
    source: opt(text),
    scope: fc.constantFrom(...CAP_SCOPES),
    restriction: opt(text),
    addresses: opt(text),
    codes: fc.array(text, { maxLength: 2 }),
    note: opt(text),
    references: fc.array(reference, { maxLength: 3 }),
    incidents: opt(text),
    infos: fc.array(info, { maxLength: 3 }),
    fallbackRef: reference,
    fallbackAddresses: text,
  })
  .map(({ fallbackRef, fallbackAddresses, ...a }) => {
    const alert = clean(a) as CapAlert;
    if ((alert.msgType === 'Update' || alert.msgType === 'Cancel') && alert.references.length === 0)
      alert.references = [fallbackRef];
    if (alert.scope === 'Private' && alert.addresses === undefined) alert.addresses = fallbackAddresses;
    return alert;
  });
