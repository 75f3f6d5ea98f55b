// `@nguon/api/lite`: the parts of the contract that need no zod at run time — route index, paths,
// roles, authorisation, workflow, problems and the error class — for clients that must stay small
// (the SDK, browser apps). Types of inputs and outputs come from `@nguon/api` with `import type`.
export * from './authz';
export { ApiError, type ApiErrorCode } from './errors';
export { type OperationId, ROUTE_INDEX } from './generated/route-index';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page } from './pagination-limits';
export * from './paths';
export * from './problem-codes';
export * from './roles';
export { WORKFLOW_STEPS, type WorkflowStep, workflowStep } from './workflow';
