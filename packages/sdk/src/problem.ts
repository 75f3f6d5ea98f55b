import { type Problem, type ProblemFieldError, problemType } from '@nguon/api/lite';

// Reading error answers without zod: the SDK's browser bundle stays small, and an answer that is not
// a well-formed problem (a proxy's HTML page, a truncated body) still yields a usable error.

const CODE_OF_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'state_conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'rate_limited',
  500: 'internal',
  501: 'not_implemented',
  503: 'unavailable',
};

const CODE = /^[a-z][a-z0-9_]*$/;

/**
 * The problem of an error answer (RFC 9457), from its status and body text. Fields that are present
 * and well typed are kept; the rest is filled from the status (`code`, `title`, `type`), and a body
 * that is not a JSON problem becomes the `detail` (cut to 500 characters). Never throws.
 *
 * @example
 * ```ts
 * readProblem(404, '{"type":"urn:nguon:problem:not_found","title":"No such resource","status":404,"code":"not_found"}').code; // 'not_found'
 * readProblem(502, '<html>Bad Gateway</html>').code; // 'http_502'
 * ```
 */
export function readProblem(status: number, text: string, statusText = ''): Problem {
  const safeStatus = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    body = undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const code =
    (typeof body?.code === 'string' && CODE.test(body.code) ? body.code : undefined) ??
    CODE_OF_STATUS[safeStatus] ??
    `http_${safeStatus}`;
  const out: Problem = {
    type: str(body?.type) ?? problemType(code),
    title: str(body?.title) ?? (statusText || `HTTP ${safeStatus}`),
    status: safeStatus,
    code,
  };
  const detail = body ? str(body.detail) : str(text.trim().slice(0, 500));
  if (detail !== undefined) out.detail = detail;
  const instance = str(body?.instance);
  if (instance !== undefined) out.instance = instance;
  const errors = fieldErrors(body?.errors);
  if (errors.length > 0) out.errors = errors;
  return out;
}

function fieldErrors(value: unknown): ProblemFieldError[] {
  if (!Array.isArray(value)) return [];
  const out: ProblemFieldError[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const { path, message } = item as Record<string, unknown>;
    if (typeof message !== 'string' || message === '') continue;
    out.push({ path: typeof path === 'string' ? path : '', message });
  }
  return out;
}

/**
 * A `Retry-After` header in milliseconds from `now`: delay-seconds (`120`) or an HTTP date; `undefined`
 * when absent or malformed; never negative.
 *
 * @example
 * ```ts
 * parseRetryAfter('2'); // 2000
 * parseRetryAfter('Thu, 26 Nov 2026 08:00:10 GMT', Date.parse('2026-11-26T08:00:00Z')); // 10000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
