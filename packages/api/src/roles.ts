/**
 * The roles a token can have (api-v1): `admin` (tokens, devices), `editor` (writes bulletins),
 * `approver` (approves for the units in scope), `operator` (devices), `viewer` (reads).
 *
 * @example
 * ```ts
 * ROLES.includes('viewer'); // true
 * ```
 */
export const ROLES = ['admin', 'editor', 'approver', 'operator', 'viewer'] as const;

/**
 * A role, see {@link ROLES}.
 *
 * @example
 * ```ts
 * const role: Role = 'editor';
 * ```
 */
export type Role = (typeof ROLES)[number];
