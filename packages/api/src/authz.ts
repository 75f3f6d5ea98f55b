import { type OperationId, ROUTE_INDEX } from './generated/route-index';
import { ROLES, type Role } from './roles';
import type { RouteIndexEntry, ScopeRule } from './routes';

/**
 * One authorisation rule, with a stable id that routes, the server's checks and tests refer to.
 *
 * @example
 * ```ts
 * const rule: AuthRule = AUTH_RULES['A-W1'];
 * ```
 */
export interface AuthRule {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

const rule = (id: string, title: string, text: string): AuthRule => ({ id, title, text });

/**
 * The authorisation rules of the API by id. `A-S*` rules say how the unit scope of a token
 * applies; the others say who may do what. A server enforces each; tests name the id they check.
 *
 * @example
 * ```ts
 * AUTH_RULES['A-W1'].text; // the emergency fast path
 * ```
 */
export const AUTH_RULES = {
  'A-S1': rule(
    'A-S1',
    'Unit scope',
    'Every token has a unit scope: a list of unit codes. A unit is in scope when it is one of them or lies under one of them in the unit registry in force today.',
  ),
  'A-S2': rule(
    'A-S2',
    'Writes stay within the scope',
    'A write is allowed only when every unit it names (in the body) and every unit the resource targets is in scope; otherwise 403 `out_of_scope`, naming the first unit outside.',
  ),
  'A-S3': rule(
    'A-S3',
    'Reading one resource',
    'One resource can be read when it touches the scope: one of its units is in scope, or it targets a unit above a unit of the scope (a province-wide bulletin reaches a commune). Otherwise 404 `not_found`, so that ids outside the scope are not revealed.',
  ),
  'A-S4': rule(
    'A-S4',
    'Lists are filtered by the scope',
    'A list holds only what A-S3 lets the token read. A filter naming a unit outside the scope is 403 `out_of_scope`.',
  ),
  'A-T1': rule(
    'A-T1',
    'Tokens',
    'Only an admin creates tokens, for units in its own scope (A-S2). The token is shown once; the server keeps its hash.',
  ),
  'A-D1': rule(
    'A-D1',
    'Devices',
    'Admins and operators register devices and send them commands, for devices whose units are all in scope. Every role may read the registry within its scope.',
  ),
  'A-M1': rule(
    'A-M1',
    'Media',
    'Admins, editors and operators upload media. Media is served without a token by its sha256: devices fetch it over plain HTTP(S) and check the digest, and a digest cannot be guessed.',
  ),
  'A-W2': rule(
    'A-W2',
    'Writing bulletins',
    'Only an editor creates, edits and submits bulletins, and imports CAP alerts as drafts, for targets in scope.',
  ),
  'A-W3': rule(
    'A-W3',
    'Approving',
    'Only an approver whose scope covers every target unit approves or rejects a submitted bulletin; a rejection needs a reason. Approving a bulletin that is not submitted is 409 `state_conflict`.',
  ),
  'A-W4': rule(
    'A-W4',
    'Publishing',
    'An editor or an approver publishes an approved bulletin for targets in scope; publishing dispatches `bulletin.deliver` (protocol v1) at once or at schedule.start.',
  ),
  'A-W1': rule(
    'A-W1',
    'Emergency fast path',
    'An approver may approve and publish an `emergency` bulletin in one call: `POST /v1/bulletins/{id}/publish` with `{"approve": true}`, from status draft or submitted. The server records an approval step (by the approver, decision approved) and the publication in one transaction and dispatches at once. `approve: true` by an editor is 403 `forbidden`; on a bulletin whose priority is not emergency it is 409 `state_conflict`.',
  ),
  'A-W5': rule(
    'A-W5',
    'Revoking',
    'Only an approver whose scope covers every target unit revokes a published bulletin, with a reason; devices stop and drop it (`bulletin.revoke`).',
  ),
  'A-F1': rule(
    'A-F1',
    'Feedback (two-way information)',
    "Anyone may send feedback without a token (citizens, commune websites); the server rate-limits it (429). Every role reads feedback for units in scope; editors and approvers reply for the feedback's unit in scope. Contact details are never shown in public feeds.",
  ),
  'A-R1': rule(
    'A-R1',
    'Plans and reports',
    'Every role reads plans, progress and reports, limited to units in scope. Admins and editors record actuals, each for a unit in scope.',
  ),
  'A-P1': rule(
    'A-P1',
    'Public routes',
    'Feeds (published, revoked and expired bulletins only) and the feed script, the unit registry, health, the OpenAPI document and the docs page need no token.',
  ),
  'A-O1': rule(
    'A-O1',
    'Metrics',
    'Admins and operators read `/metrics` (for a Prometheus scraper with a bearer token).',
  ),
} as const satisfies Record<string, AuthRule>;

/**
 * The id of an authorisation rule, see {@link AUTH_RULES}.
 *
 * @example
 * ```ts
 * const id: AuthRuleId = 'A-W1';
 * ```
 */
export type AuthRuleId = keyof typeof AUTH_RULES;

/**
 * One cell of the authorisation matrix: may `role` call `operationId`, and under which scope rule.
 * Public operations are allowed for every role (and without a token).
 *
 * @example
 * ```ts
 * const cell: AuthCell = { operationId: 'approveBulletin', role: 'approver', allowed: true, public: false, scope: 'within', rules: ['A-W3', 'A-S2'] };
 * ```
 */
export interface AuthCell {
  operationId: OperationId;
  role: Role;
  allowed: boolean;
  public: boolean;
  scope: ScopeRule;
  rules: readonly string[];
}

/**
 * The authorisation matrix: one cell per role × operation, generated from the route table. A
 * server checks a request against it; tests iterate it.
 *
 * @example
 * ```ts
 * const denied = authorizationMatrix().filter((c) => c.role === 'viewer' && !c.allowed).map((c) => c.operationId);
 * ```
 */
export function authorizationMatrix(): AuthCell[] {
  const cells: AuthCell[] = [];
  for (const [op, route] of Object.entries(ROUTE_INDEX) as [OperationId, RouteIndexEntry][]) {
    for (const role of ROLES) {
      const auth = route.auth;
      cells.push(
        auth.kind === 'public'
          ? {
              operationId: op,
              role,
              allowed: true,
              public: true,
              scope: 'none',
              rules: auth.rules,
            }
          : {
              operationId: op,
              role,
              allowed: auth.roles.includes(role),
              public: false,
              scope: auth.scope,
              rules: auth.rules,
            },
      );
    }
  }
  return cells;
}

/**
 * Whether a role may call an operation (the role part of the check; the scope part needs the
 * resource, see {@link unitInScope}). `role` undefined means no token: only public operations.
 *
 * @example
 * ```ts
 * isAllowed('publishBulletin', 'editor'); // true
 * isAllowed('approveBulletin', 'editor'); // false
 * isAllowed('getJsonFeed', undefined); // true
 * ```
 */
export function isAllowed(operationId: OperationId, role: Role | undefined): boolean {
  const auth = (ROUTE_INDEX[operationId] as RouteIndexEntry).auth;
  if (auth.kind === 'public') return true;
  return role !== undefined && (auth.roles as readonly Role[]).includes(role);
}

/**
 * A lookup of a unit's ancestors (parent, grandparent … province) in the unit registry in force;
 * e.g. built on `UnitRegistry` of `@nguon/areas`.
 *
 * @example
 * ```ts
 * const ancestorsOf: AncestorsOf = (code) => (code === '24065' ? ['52'] : []);
 * ```
 */
export type AncestorsOf = (unitCode: string) => readonly string[];

/**
 * A-S1: whether `unitCode` is in a token's scope: one of the scope's units or under one of them.
 *
 * @example
 * ```ts
 * unitInScope('24065', ['52'], (c) => (c === '24065' ? ['52'] : [])); // true
 * ```
 */
export function unitInScope(unitCode: string, scope: readonly string[], ancestorsOf: AncestorsOf): boolean {
  if (scope.includes(unitCode)) return true;
  return ancestorsOf(unitCode).some((a) => scope.includes(a));
}

/**
 * A-S2: the first unit outside the scope, or `undefined` when every unit is in scope.
 *
 * @example
 * ```ts
 * firstOutOfScope(['24065', '24070'], ['24065'], () => []); // '24070'
 * ```
 */
export function firstOutOfScope(
  unitCodes: readonly string[],
  scope: readonly string[],
  ancestorsOf: AncestorsOf,
): string | undefined {
  return unitCodes.find((code) => !unitInScope(code, scope, ancestorsOf));
}

/**
 * A-S3: whether a resource with these units touches the scope (one unit in scope, or a unit above
 * a scope unit).
 *
 * @example
 * ```ts
 * touchesScope(['52'], ['24065'], (c) => (c === '24065' ? ['52'] : [])); // true: a province bulletin reaches the commune
 * ```
 */
export function touchesScope(
  unitCodes: readonly string[],
  scope: readonly string[],
  ancestorsOf: AncestorsOf,
): boolean {
  if (unitCodes.some((code) => unitInScope(code, scope, ancestorsOf))) return true;
  return scope.some((s) => ancestorsOf(s).some((a) => unitCodes.includes(a)));
}
