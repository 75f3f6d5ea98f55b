import { BulletinError, type BulletinIssue } from '../errors';

const CAP_MARKER = Symbol.for('@nguon/bulletin/cap-error');

/**
 * Codes of {@link CapError}: `cap_too_large` (input over the size limit), `cap_forbidden_dtd` (a DOCTYPE
 * or ENTITY declaration, refused before parsing), `cap_malformed_xml` (not well-formed XML),
 * `cap_wrong_namespace` (the root is not a CAP 1.2 `alert`), `cap_invalid` (the document breaks a CAP
 * 1.2 rule; see `issues`), `cap_unmappable` (valid CAP that cannot become a bulletin, or a bulletin
 * that cannot become CAP).
 *
 * @example
 * ```ts
 * if (CapError.isInstance(error) && error.code === 'cap_forbidden_dtd') console.error('refused: DTD');
 * ```
 */
export type CapErrorCode =
  | 'cap_too_large'
  | 'cap_forbidden_dtd'
  | 'cap_malformed_xml'
  | 'cap_wrong_namespace'
  | 'cap_invalid'
  | 'cap_unmappable';

/**
 * One broken CAP rule. `at` is the element path, e.g. `alert/info[1]/area[0]/polygon[0]` (indices
 * count from 0 among elements of the same name); `message` says what was expected and what was found.
 *
 * @example
 * ```ts
 * const issue: CapIssue = { path: ['alert', 'sent'], at: 'alert/sent', code: 'cap_datetime', message: 'expected YYYY-MM-DDThh:mm:ss+hh:mm, found "2024-01-01T00:00:00Z"' };
 * ```
 */
export type CapIssue = BulletinIssue;

/**
 * Thrown when CAP XML or a CAP alert breaks CAP 1.2, or cannot be mapped to or from a bulletin. It is
 * a {@link BulletinError}, so one `BulletinError.isInstance` check catches both.
 *
 * @example
 * ```ts
 * try { parseCap(xml); } catch (error) {
 *   if (CapError.isInstance(error)) for (const issue of error.issues) console.error(`${issue.at}: ${issue.message}`);
 * }
 * ```
 */
export class CapError extends BulletinError {
  declare readonly code: CapErrorCode;
  readonly [CAP_MARKER] = true;

  constructor(code: CapErrorCode, message: string, options: { issues?: CapIssue[]; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'CapError';
  }

  /**
   * True when `value` is a `CapError` from any copy of this package.
   *
   * @example
   * ```ts
   * if (CapError.isInstance(error)) console.log(error.code, error.issues);
   * ```
   */
  static override isInstance(value: unknown): value is CapError {
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CAP_MARKER] === true
    );
  }
}

/** Builds an issue from an element path written as `alert/info[1]/area[0]`. */
export function capIssue(at: string, code: string, message: string): CapIssue {
  const path: (string | number)[] = [];
  for (const part of at.split('/')) {
    const match = /^([^[]+)(?:\[(\d+)\])?$/.exec(part);
    if (!match) {
      path.push(part);
      continue;
    }
    path.push(match[1] as string);
    if (match[2] !== undefined) path.push(Number(match[2]));
  }
  return { path, at, code, message };
}

/** Throws a `cap_invalid` error listing every issue, the first few in the message. */
export function throwInvalid(issues: CapIssue[], what = 'CAP 1.2 alert'): never {
  const shown = issues
    .slice(0, 5)
    .map((i) => `  ${i.at}: ${i.message}`)
    .join('\n');
  const more = issues.length > 5 ? `\n  … and ${issues.length - 5} more` : '';
  throw new CapError(
    'cap_invalid',
    `invalid ${what} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${shown}${more}`,
    {
      issues,
    },
  );
}
