/**
 * The CAP 1.2 data model (OASIS Standard, 1 July 2010): one TypeScript type per element, with the
 * element names, multiplicities and enumerations of the standard. Repeated elements are arrays (empty
 * when absent); optional single elements are optional properties (absent, never `undefined`). Text is
 * kept as written, without leading or trailing whitespace; date-times stay strings in the CAP form
 * `YYYY-MM-DDThh:mm:ss+hh:mm` so that the sender's offset survives a round trip.
 */

/** The XML namespace of CAP 1.2. @example `parseCap(xml)` accepts `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">`. */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

/** Values of `alert/status`. @example `CAP_STATUSES.includes('Exercise')` */
export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
/** Values of `alert/msgType`. @example `CAP_MSG_TYPES[1]; // 'Update'` */
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
/** Values of `alert/scope`. @example `CAP_SCOPES[0]; // 'Public'` */
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const;
/** Values of `info/category`. @example `CAP_CATEGORIES.includes('Met')` */
export const CAP_CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
/** Values of `info/responseType`. @example `CAP_RESPONSE_TYPES.includes('Evacuate')` */
export const CAP_RESPONSE_TYPES = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const;
/** Values of `info/urgency`. @example `CAP_URGENCIES[0]; // 'Immediate'` */
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
/** Values of `info/severity`. @example `CAP_SEVERITIES[0]; // 'Extreme'` */
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
/** Values of `info/certainty`. @example `CAP_CERTAINTIES[0]; // 'Observed'` */
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

/** `alert/status`. @example `const s: CapStatus = 'Actual';` */
export type CapStatus = (typeof CAP_STATUSES)[number];
/** `alert/msgType`. @example `const t: CapMsgType = 'Cancel';` */
export type CapMsgType = (typeof CAP_MSG_TYPES)[number];
/** `alert/scope`. @example `const s: CapScope = 'Public';` */
export type CapScope = (typeof CAP_SCOPES)[number];
/** `info/category`. @example `const c: CapCategory = 'Met';` */
export type CapCategory = (typeof CAP_CATEGORIES)[number];
/** `info/responseType`. @example `const r: CapResponseType = 'Shelter';` */
export type CapResponseType = (typeof CAP_RESPONSE_TYPES)[number];
/** `info/urgency`. @example `const u: CapUrgency = 'Immediate';` */
export type CapUrgency = (typeof CAP_URGENCIES)[number];
/** `info/severity`. @example `const s: CapSeverity = 'Severe';` */
export type CapSeverity = (typeof CAP_SEVERITIES)[number];
/** `info/certainty`. @example `const c: CapCertainty = 'Observed';` */
export type CapCertainty = (typeof CAP_CERTAINTIES)[number];

/**
 * A `valueName`/`value` pair: `eventCode`, `parameter` and `geocode` elements.
 *
 * @example
 * ```ts
 * const unit: CapValuePair = { valueName: 'VN-GSO', value: '64' };
 * ```
 */
export interface CapValuePair {
  valueName: string;
  value: string;
}

/**
 * One entry of `alert/references`: the extended identifier `sender,identifier,sent` of an earlier message.
 *
 * @example
 * ```ts
 * const ref: CapReference = { sender: 'ubnd@gialai.gov.vn', identifier: 'GL-2024-001', sent: '2024-09-01T07:00:00+07:00' };
 * ```
 */
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

/**
 * A WGS 84 point of a polygon or the centre of a circle, in decimal degrees.
 *
 * @example
 * ```ts
 * const pleiku: CapPoint = { lat: 13.98, lon: 108.0 };
 * ```
 */
export interface CapPoint {
  lat: number;
  lon: number;
}

/**
 * `area/circle`: a centre and a radius in kilometres.
 *
 * @example
 * ```ts
 * const circle: CapCircle = { center: { lat: 13.98, lon: 108 }, radiusKm: 5 };
 * ```
 */
export interface CapCircle {
  center: CapPoint;
  radiusKm: number;
}

/**
 * `info/resource`: a file that supplements the info block (an audio clip, an image, a map).
 * `digest` is the SHA-1 hash of the file in hexadecimal, as CAP 1.2 specifies.
 *
 * @example
 * ```ts
 * const audio: CapResource = { resourceDesc: 'Bản tin', mimeType: 'audio/mpeg', uri: 'https://example.org/a.mp3' };
 * ```
 */
export interface CapResource {
  resourceDesc: string;
  mimeType: string;
  size?: number;
  uri?: string;
  derefUri?: string;
  digest?: string;
}

/**
 * `info/area`: where the info applies. Polygons are closed rings of at least 4 points; altitude and
 * ceiling are in feet above mean sea level.
 *
 * @example
 * ```ts
 * const area: CapArea = { areaDesc: 'Pleiku', polygons: [], circles: [], geocodes: [{ valueName: 'VN-GSO', value: '622' }] };
 * ```
 */
export interface CapArea {
  areaDesc: string;
  polygons: CapPoint[][];
  circles: CapCircle[];
  geocodes: CapValuePair[];
  altitude?: number;
  ceiling?: number;
}

/**
 * `alert/info`: the message in one language. `language` is absent when the element is (CAP then
 * means `en-US`).
 *
 * @example
 * ```ts
 * const info: CapInfo = {
 *   language: 'vi-VN', categories: ['Met'], event: 'Bão', responseTypes: [], urgency: 'Immediate',
 *   severity: 'Severe', certainty: 'Likely', eventCodes: [], parameters: [], resources: [], areas: [],
 * };
 * ```
 */
export interface CapInfo {
  language?: string;
  categories: CapCategory[];
  event: string;
  responseTypes: CapResponseType[];
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  audience?: string;
  eventCodes: CapValuePair[];
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  web?: string;
  contact?: string;
  parameters: CapValuePair[];
  resources: CapResource[];
  areas: CapArea[];
}

/**
 * A CAP 1.2 `alert`. `addresses` and `incidents` keep the raw space-separated text of the element.
 * An XML-DSig `Signature` is not kept: it cannot stay valid once the alert is re-serialised.
 *
 * @example
 * ```ts
 * const alert: CapAlert = {
 *   identifier: 'GL-2024-001', sender: 'ubnd@gialai.gov.vn', sent: '2024-09-01T07:00:00+07:00',
 *   status: 'Actual', msgType: 'Alert', scope: 'Public', codes: [], references: [], infos: [],
 * };
 * ```
 */
export interface CapAlert {
  identifier: string;
  sender: string;
  sent: string;
  status: CapStatus;
  msgType: CapMsgType;
  source?: string;
  scope: CapScope;
  restriction?: string;
  addresses?: string;
  codes: string[];
  note?: string;
  references: CapReference[];
  incidents?: string;
  infos: CapInfo[];
}
