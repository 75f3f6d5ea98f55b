import { describe, expect, it } from 'vitest';
import {
  AUTH_RULES,
  authorizationMatrix,
  firstOutOfScope,
  isAllowed,
  touchesScope,
  unitInScope,
} from './authz';
import { ROLES } from './roles';
import { ROUTE_LIST, ROUTES } from './routes';

// A tiny unit tree: province 64 > commune 24065, 24070; province 52 > commune 52001.
const PARENTS: Record<string, string> = { '24065': '64', '24070': '64', '52001': '52' };
const ancestorsOf = (code: string) => {
  const out: string[] = [];
  for (let c = PARENTS[code]; c !== undefined; c = PARENTS[c]) out.push(c);
  return out;
};

describe('authorisation matrix', () => {
  const matrix = authorizationMatrix();

  it('has one cell per role and operation', () => {
    expect(matrix.length).toBe(ROUTE_LIST.length * ROLES.length);
    for (const r of ROUTE_LIST)
      for (const role of ROLES)
        expect(matrix.some((c) => c.operationId === r.operationId && c.role === role)).toBe(true);
  });

  it('names only rules that exist', () => {
    for (const cell of matrix)
      for (const id of cell.rules) expect(AUTH_RULES, `${cell.operationId} ${id}`).toHaveProperty(id);
  });

  it('lets a viewer read everything but metrics, and never write', () => {
    for (const cell of matrix.filter((c) => c.role === 'viewer' && !c.public)) {
      const read = ROUTES[cell.operationId].method === 'GET' && cell.operationId !== 'getMetrics';
      expect(cell.allowed, cell.operationId).toBe(read);
    }
  });

  it('keeps the workflow roles of api-v1: editor writes and submits, approver approves', () => {
    const allowed = (op: keyof typeof ROUTES) => ROLES.filter((role) => isAllowed(op, role));
    expect(allowed('createBulletin')).toEqual(['editor']);
    expect(allowed('submitBulletin')).toEqual(['editor']);
    expect(allowed('updateBulletin')).toEqual(['editor']);
    expect(allowed('approveBulletin')).toEqual(['approver']);
    expect(allowed('rejectBulletin')).toEqual(['approver']);
    expect(allowed('createToken')).toEqual(['admin']);
    expect(allowed('sendDeviceCommand')).toEqual(['admin', 'operator']);
    // A-W1: the approver can publish (and approve in the same call) an emergency bulletin.
    expect(allowed('publishBulletin')).toContain('approver');
    expect(ROUTES.publishBulletin.auth.rules).toContain('A-W1');
  });

  it('checks every write against the scope and every read through it', () => {
    for (const r of ROUTE_LIST) {
      if (r.auth.kind !== 'bearer') continue;
      if (r.method !== 'GET' && r.operationId !== 'uploadMedia')
        expect(r.auth.scope, r.operationId).toBe('within');
      if (r.method === 'GET' && r.operationId !== 'getMetrics')
        expect(['overlaps', 'filter'], r.operationId).toContain(r.auth.scope);
    }
  });

  it('needs no token for exactly the public routes of api-v1', () => {
    const pub = ROUTE_LIST.filter((r) => r.auth.kind === 'public').map((r) => r.operationId);
    expect(pub.sort()).toEqual(
      [
        'createFeedback',
        'getAtomFeed',
        'getDocs',
        'getFeedScript',
        'getHealth',
        'getJsonFeed',
        'getMedia',
        'getOpenApi',
        'listUnits',
      ].sort(),
    );
    for (const op of pub) expect(isAllowed(op, undefined)).toBe(true);
    expect(isAllowed('listBulletins', undefined)).toBe(false);
  });
});

describe('unit scope', () => {
  it('A-S1: a unit is in scope when listed or under a listed unit', () => {
    expect(unitInScope('24065', ['64'], ancestorsOf)).toBe(true);
    expect(unitInScope('64', ['64'], ancestorsOf)).toBe(true);
    expect(unitInScope('64', ['24065'], ancestorsOf)).toBe(false);
    expect(unitInScope('52001', ['64'], ancestorsOf)).toBe(false);
  });

  it('A-S2: names the first unit outside the scope', () => {
    expect(firstOutOfScope(['24065', '52001', '24070'], ['64'], ancestorsOf)).toBe('52001');
    expect(firstOutOfScope(['24065', '24070'], ['64'], ancestorsOf)).toBeUndefined();
  });

  it('A-S3: a province-wide bulletin reaches a commune scope; a neighbour province does not', () => {
    expect(touchesScope(['64'], ['24065'], ancestorsOf)).toBe(true);
    expect(touchesScope(['24070'], ['24065'], ancestorsOf)).toBe(false);
    expect(touchesScope(['52'], ['24065'], ancestorsOf)).toBe(false);
    expect(touchesScope(['52001', '24065'], ['24065'], ancestorsOf)).toBe(true);
  });
});
