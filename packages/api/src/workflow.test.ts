import {
  BULLETIN_PRIORITIES,
  BULLETIN_STATUSES,
  type BulletinPriority,
  type BulletinStatus,
} from '@nguon/bulletin';
import { describe, expect, it } from 'vitest';
import { AUTH_RULES, isAllowed } from './authz';
import { ROLES } from './roles';
import { ROUTES } from './routes';
import { WORKFLOW_STEPS, workflowStep } from './workflow';

const statuses = Object.keys(BULLETIN_STATUSES) as BulletinStatus[];
const priorities = Object.keys(BULLETIN_PRIORITIES) as BulletinPriority[];

describe('workflow', () => {
  it('agrees with the route table: every step role may call its route, every rule exists', () => {
    for (const step of WORKFLOW_STEPS) {
      for (const role of step.roles)
        expect(isAllowed(step.operationId, role), `${step.operationId} ${role}`).toBe(true);
      expect(AUTH_RULES).toHaveProperty(step.rule);
      expect(ROUTES[step.operationId].auth.rules).toContain(step.rule);
    }
  });

  it('A-W1: an approver approves and publishes an emergency in one call, from draft or submitted', () => {
    for (const status of ['draft', 'submitted'] as const) {
      expect(
        workflowStep('publishBulletin', { role: 'approver', status, priority: 'emergency', approve: true }),
      ).toEqual({
        ok: true,
        to: 'published',
        rule: 'A-W1',
      });
    }
  });

  it('A-W1: refuses the fast path to an editor (403) and to a non-emergency bulletin (409)', () => {
    const editor = workflowStep('publishBulletin', {
      role: 'editor',
      status: 'submitted',
      priority: 'emergency',
      approve: true,
    });
    expect(!editor.ok && editor.problem).toMatchObject({ status: 403, code: 'forbidden' });
    expect(!editor.ok && editor.problem.detail).toMatch(
      /approve: true needs the role approver, found editor \(rule A-W1\)/,
    );
    const normal = workflowStep('publishBulletin', {
      role: 'approver',
      status: 'submitted',
      priority: 'priority',
      approve: true,
    });
    expect(!normal.ok && normal.problem).toMatchObject({ status: 409, code: 'state_conflict' });
  });

  it('answers 409 for a step from the wrong status, e.g. approving a published bulletin', () => {
    const again = workflowStep('approveBulletin', {
      role: 'approver',
      status: 'published',
      priority: 'normal',
    });
    expect(!again.ok && again.problem).toMatchObject({ status: 409, code: 'state_conflict' });
    expect(!again.ok && again.problem.detail).toBe(
      'approveBulletin needs a bulletin in status submitted, found published',
    );
  });

  it('allows exactly the listed transitions for every role, status and priority', () => {
    let allowed = 0;
    for (const step of WORKFLOW_STEPS) {
      for (const role of ROLES) {
        for (const status of statuses) {
          for (const priority of priorities) {
            const result = workflowStep(step.operationId, { role, status, priority, approve: step.approve });
            const expected =
              step.roles.includes(role) &&
              step.from.includes(status) &&
              (!step.priorities || step.priorities.includes(priority));
            expect(result.ok, `${step.operationId} ${role} ${status} ${priority}`).toBe(expected);
            if (result.ok) {
              allowed++;
              expect(result.to).toBe(step.to);
            }
          }
        }
      }
    }
    expect(allowed).toBeGreaterThan(0);
  });

  it('never publishes a normal bulletin that was not approved', () => {
    for (const role of ROLES) {
      for (const status of statuses.filter((s) => s !== 'approved')) {
        for (const approve of [true, false]) {
          const r = workflowStep('publishBulletin', { role, status, priority: 'normal', approve });
          expect(r.ok, `${role} ${status} ${approve}`).toBe(false);
        }
      }
    }
  });
});
