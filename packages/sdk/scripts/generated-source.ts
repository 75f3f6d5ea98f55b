// Build-time only (scripts and tests): what the generated files are derived from. Imports zod.
import { type OperationId, ROUTES } from '@nguon/api';

/** The operations of `ROUTES` with a `query` schema, in route order. */
export function queryOperations(): OperationId[] {
  return (Object.keys(ROUTES) as OperationId[]).filter((op) => 'query' in ROUTES[op]);
}

/** The list operations: a query with `cursor`, answering `{items, nextCursor}`. */
export function listOperations(): OperationId[] {
  return queryOperations().filter((op) => {
    const query = (ROUTES[op] as { query?: { shape: Record<string, unknown> } }).query;
    return query !== undefined && 'cursor' in query.shape;
  });
}
