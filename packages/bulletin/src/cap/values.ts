import type { CapCircle, CapPoint, CapReference } from './model';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;

/**
 * Checks a CAP 1.2 date-time (`YYYY-MM-DDThh:mm:ss+hh:mm`: offset required, no `Z`, no fractions) and
 * returns a message saying what is wrong, or `undefined` when it is valid.
 *
 * @example
 * ```ts
 * checkCapDateTime('2024-09-01T07:00:00+07:00'); // undefined
 * checkCapDateTime('2024-09-01T00:00:00Z'); // 'expected YYYY-MM-DDThh:mm:ss±hh:mm …'
 * ```
 */
export function checkCapDateTime(text: string): string | undefined {
  const m = DATETIME.exec(text);
  if (!m)
    return `expected YYYY-MM-DDThh:mm:ss±hh:mm (offset required, no "Z", no fractions), found ${JSON.stringify(text)}`;
  const [year, month, day, hour, minute, second, , offH, offM] = m.slice(1).map(Number) as number[];
  const y = year as number;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(month as number) - 1] ?? 0;
  if (y === 0) return `year 0000 does not exist in ${JSON.stringify(text)}`;
  if ((month as number) < 1 || (month as number) > 12 || (day as number) < 1 || (day as number) > days)
    return `no such calendar date in ${JSON.stringify(text)}`;
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59)
    return `no such time of day in ${JSON.stringify(text)}`;
  if ((offM as number) > 59 || (offH as number) * 60 + (offM as number) > 840)
    return `time-zone offset beyond ±14:00 in ${JSON.stringify(text)}`;
  return undefined;
}

/**
 * Writes an instant as a CAP 1.2 date-time at a fixed offset from UTC (in minutes; Vietnam is +420).
 * Fractions of a second are dropped.
 *
 * @example
 * ```ts
 * formatCapDateTime(new Date('2024-09-01T00:00:00Z'), 420); // '2024-09-01T07:00:00+07:00'
 * formatCapDateTime('2024-09-01T00:00:00.250Z'); // '2024-09-01T00:00:00+00:00'
 * ```
 */
export function formatCapDateTime(instant: Date | string, offsetMinutes = 0): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a date-time: ${String(instant)}`);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${String(local.getUTCFullYear()).padStart(4, '0')}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(
    local.getUTCHours(),
  )}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Reads a CAP 1.2 date-time as a `Date` (the offset is applied), or `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseCapDateTime('2024-09-01T07:00:00+07:00')?.toISOString(); // '2024-09-01T00:00:00.000Z'
 * ```
 */
export function parseCapDateTime(text: string): Date | undefined {
  if (checkCapDateTime(text) !== undefined) return undefined;
  // The CAP form is a valid ISO 8601 string; "-00:00" means UTC like "+00:00".
  return new Date(text.replace(/-00:00$/, '+00:00'));
}

/** The offset of a CAP date-time in minutes (`+07:00` → 420). */
export function capOffsetMinutes(text: string): number {
  const m = DATETIME.exec(text);
  if (!m) return 0;
  const minutes = Number(m[8]) * 60 + Number(m[9]);
  return m[7] === '-' ? -minutes : minutes;
}

const TOKEN = /^[^\s,<&]+$/;

/** True when `text` may be a CAP `identifier` or `sender`: no whitespace, commas, `<` or `&`. */
export function isCapToken(text: string): boolean {
  return TOKEN.test(text);
}

/** Splits `alert/references` into triples; returns an error message for the first bad entry. */
export function parseReferences(text: string): CapReference[] | string {
  const out: CapReference[] = [];
  for (const entry of text.trim().split(/\s+/)) {
    if (entry === '') continue;
    const parts = entry.split(',');
    if (parts.length !== 3)
      return `expected space-separated "sender,identifier,sent" triples, found ${JSON.stringify(entry)}`;
    const [sender, identifier, sent] = parts as [string, string, string];
    out.push({ sender, identifier, sent });
  }
  return out;
}

/** Writes references as CAP text. */
export function formatReferences(refs: readonly CapReference[]): string {
  return refs.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' ');
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Reads a decimal number as CAP writes it (no exponent); `undefined` when it is not one. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? (Object.is(n, -0) ? 0 : n) : undefined;
}

/** Writes a number as a plain decimal (never with an exponent), exactly enough to read back. */
export function formatDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const negative = s.startsWith('-');
  const [mantissa, exponent] = (negative ? s.slice(1) : s).split(/e/i) as [string, string];
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const position = (point === -1 ? mantissa.length : point) + Number(exponent);
  let out: string;
  if (position <= 0) out = `0.${'0'.repeat(-position)}${digits}`;
  else if (position >= digits.length) out = digits + '0'.repeat(position - digits.length);
  else out = `${digits.slice(0, position)}.${digits.slice(position)}`;
  return negative ? `-${out}` : out;
}

/** Reads `lat,lon`; returns an error message when it is not a pair of decimals. */
export function parsePoint(text: string): CapPoint | string {
  const parts = text.split(',');
  const lat = parts.length === 2 ? parseDecimal(parts[0] as string) : undefined;
  const lon = parts.length === 2 ? parseDecimal(parts[1] as string) : undefined;
  if (lat === undefined || lon === undefined)
    return `expected a "lat,lon" pair of decimal degrees, found ${JSON.stringify(text)}`;
  return { lat, lon };
}

/** Writes a point as `lat,lon`. */
export function formatPoint(p: CapPoint): string {
  return `${formatDecimal(p.lat)},${formatDecimal(p.lon)}`;
}

/** Reads `area/polygon` text (whitespace-separated `lat,lon` pairs). */
export function parsePolygon(text: string): CapPoint[] | string {
  const points: CapPoint[] = [];
  for (const pair of text.trim().split(/\s+/)) {
    const p = parsePoint(pair);
    if (typeof p === 'string') return p;
    points.push(p);
  }
  return points;
}

/** Reads `area/circle` text (`lat,lon radius`). */
export function parseCircle(text: string): CapCircle | string {
  const parts = text.trim().split(/\s+/);
  const radius = parts.length === 2 ? parseDecimal(parts[1] as string) : undefined;
  if (parts.length !== 2 || radius === undefined)
    return `expected "lat,lon radius" with the radius in kilometres, found ${JSON.stringify(text)}`;
  const center = parsePoint(parts[0] as string);
  if (typeof center === 'string') return center;
  return { center, radiusKm: radius };
}
