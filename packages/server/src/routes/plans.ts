import type { OperationId } from '@nguon/api';
import type { HandlerModule } from '../context';

/**
 * The operations answered by {@link planHandlers}.
 *
 * @example
 * ```ts
 * PLANS_OPERATIONS.length;
 * ```
 */
export const PLANS_OPERATIONS: readonly OperationId[] = [];

/**
 * The plans routes of the contract.
 *
 * @example
 * ```ts
 * const handlers = planHandlers(shared);
 * ```
 */
export const planHandlers: HandlerModule = () => ({});
