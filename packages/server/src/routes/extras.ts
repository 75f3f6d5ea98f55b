import type { OperationId } from '@nguon/api';
import type { HandlerModule } from '../context';

/**
 * The operations answered by {@link extraHandlers}.
 *
 * @example
 * ```ts
 * EXTRA_OPERATIONS.length;
 * ```
 */
export const EXTRA_OPERATIONS: readonly OperationId[] = [];

/**
 * Routes added to the contract after the first slice (bulletin history, the embeddable feed script).
 *
 * @example
 * ```ts
 * const handlers = extraHandlers(shared);
 * ```
 */
export const extraHandlers: HandlerModule = () => ({});
