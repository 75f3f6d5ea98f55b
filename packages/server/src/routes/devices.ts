import type { OperationId } from '@nguon/api';
import type { HandlerModule } from '../context';

/**
 * The operations answered by {@link deviceHandlers}.
 *
 * @example
 * ```ts
 * DEVICES_OPERATIONS.length;
 * ```
 */
export const DEVICES_OPERATIONS: readonly OperationId[] = [];

/**
 * The devices routes of the contract.
 *
 * @example
 * ```ts
 * const handlers = deviceHandlers(shared);
 * ```
 */
export const deviceHandlers: HandlerModule = () => ({});
