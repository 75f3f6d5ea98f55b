/** Largest `limit` a list accepts. @example `PageQuerySchema.parse({ limit: String(MAX_PAGE_LIMIT) })` */
export const MAX_PAGE_LIMIT = 200;
/** `limit` when the request gives none. @example `PageQuerySchema.parse({}).limit === DEFAULT_PAGE_LIMIT` */
export const DEFAULT_PAGE_LIMIT = 50;

/**
 * A page of items, see {@link pageOf}.
 *
 * @example
 * ```ts
 * const page: Page<{ id: string }> = { items: [{ id: 'a' }], nextCursor: null };
 * ```
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
