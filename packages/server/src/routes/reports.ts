import type { OperationId } from '@nguon/api';
import type { HandlerModule } from '../context';

/**
 * The operations answered by {@link reportHandlers}.
 *
 * @example
 * ```ts
 * REPORTS_OPERATIONS.length;
 * ```
 */
export const REPORTS_OPERATIONS: readonly OperationId[] = [];

/**
 * The reports routes of the contract.
 *
 * @example
 * ```ts
 * const handlers = reportHandlers(shared);
 * ```
 */
export const reportHandlers: HandlerModule = () => ({});
