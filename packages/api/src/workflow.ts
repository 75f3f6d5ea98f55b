import type { BulletinPriority, BulletinStatus } from '@nguon/bulletin';
import { type Problem, problem } from './problem-codes';
import type { Role } from './roles';
import type { OperationId } from './routes';

/**
 * One step of the bulletin workflow as data: the operation, the statuses it starts from, the
 * status it leads to, the roles that may take it and the rule that says so. The emergency fast
 * path (A-W1) is its own step: `publishBulletin` with `approve: true`.
 *
 * @example
 * ```ts
 * const step: WorkflowStep = WORKFLOW_STEPS.find((s) => s.rule === 'A-W1')!;
 * step.from; // ['draft', 'submitted']
 * ```
 */
export interface WorkflowStep {
  readonly operationId: OperationId;
  readonly approve?: boolean;
  readonly from: readonly BulletinStatus[];
  readonly to: BulletinStatus;
  readonly roles: readonly Role[];
  readonly priorities?: readonly BulletinPriority[];
  readonly rule: string;
}

/**
 * The workflow draft → submitted → approved → published → revoked (api-v1), with rejection and the
 * emergency fast path. `expired` is reached by time, not by a call.
 *
 * @example
 * ```ts
 * WORKFLOW_STEPS.filter((s) => s.roles.includes('approver')).map((s) => s.operationId);
 * ```
 */
export const WORKFLOW_STEPS: readonly WorkflowStep[] = [
  {
    operationId: 'updateBulletin',
    from: ['draft', 'rejected'],
    to: 'draft',
    roles: ['editor'],
    rule: 'A-W2',
  },
  {
    operationId: 'submitBulletin',
    from: ['draft', 'rejected'],
    to: 'submitted',
    roles: ['editor'],
    rule: 'A-W2',
  },
  { operationId: 'approveBulletin', from: ['submitted'], to: 'approved', roles: ['approver'], rule: 'A-W3' },
  { operationId: 'rejectBulletin', from: ['submitted'], to: 'rejected', roles: ['approver'], rule: 'A-W3' },
  {
    operationId: 'publishBulletin',
    approve: false,
    from: ['approved'],
    to: 'published',
    roles: ['editor', 'approver'],
    rule: 'A-W4',
  },
  {
    operationId: 'publishBulletin',
    approve: true,
    from: ['draft', 'submitted'],
    to: 'published',
    roles: ['approver'],
    priorities: ['emergency'],
    rule: 'A-W1',
  },
  { operationId: 'revokeBulletin', from: ['published'], to: 'revoked', roles: ['approver'], rule: 'A-W5' },
];

/**
 * Decides one workflow call: given the operation, the caller's role, the bulletin's status and
 * priority (and `approve` for publish), either the status it leads to and the rule applied, or the
 * problem to answer: 403 `forbidden` for a role that may not take the step, 409 `state_conflict`
 * for a bulletin in the wrong status or priority. The unit-scope check (A-S2) is separate.
 *
 * @example
 * ```ts
 * workflowStep('publishBulletin', { role: 'approver', status: 'submitted', priority: 'emergency', approve: true });
 * // { ok: true, to: 'published', rule: 'A-W1' }
 * ```
 */
export function workflowStep(
  operationId: OperationId,
  call: { role: Role; status: BulletinStatus; priority: BulletinPriority; approve?: boolean },
): { ok: true; to: BulletinStatus; rule: string } | { ok: false; problem: Problem } {
  const approve = operationId === 'publishBulletin' ? call.approve === true : undefined;
  const step = WORKFLOW_STEPS.find(
    (s) => s.operationId === operationId && (approve === undefined || s.approve === approve),
  );
  if (!step) {
    return { ok: false, problem: problem('not_found', { detail: `${operationId} is not a workflow step` }) };
  }
  if (!step.roles.includes(call.role)) {
    return {
      ok: false,
      problem: problem('forbidden', {
        detail: `${describe(step)} needs the role ${step.roles.join(' or ')}, found ${call.role} (rule ${step.rule})`,
      }),
    };
  }
  if (step.priorities && !step.priorities.includes(call.priority)) {
    return {
      ok: false,
      problem: problem('state_conflict', {
        detail: `${describe(step)} is only for ${step.priorities.join(', ')} bulletins, found priority ${call.priority} (rule ${step.rule}); submit it for approval instead`,
      }),
    };
  }
  if (!step.from.includes(call.status)) {
    return {
      ok: false,
      problem: problem('state_conflict', {
        detail: `${describe(step)} needs a bulletin in status ${step.from.join(' or ')}, found ${call.status}`,
      }),
    };
  }
  return { ok: true, to: step.to, rule: step.rule };
}

function describe(step: WorkflowStep): string {
  return step.approve ? `${step.operationId} with approve: true` : step.operationId;
}
