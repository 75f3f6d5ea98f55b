import * as z from 'zod';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pagination-limits';

/**
 * The query of every list: `?cursor=` (opaque, from the previous page's `nextCursor`) and
 * `?limit=` (1–200, default 50). Query values arrive as text; `limit` is converted to a number.
 *
 * @example
 * ```ts
 * PageQuerySchema.parse({ limit: '20' }); // { limit: 20 }
 * ```
 */
export const PageQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(1_024).optional().describe('Opaque cursor from the previous page'),
  limit: z.coerce
    .number<string | number>()
    .int('expected a whole number')
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .describe(`Items per page, 1–${MAX_PAGE_LIMIT}`),
});

/**
 * A list query: {@link PageQuerySchema} plus the list's own filters.
 *
 * @example
 * ```ts
 * const q = pageQuery({ unit: UnitCodeSchema.optional() });
 * ```
 */
export function pageQuery<S extends z.core.$ZodLooseShape>(filters: S) {
  return PageQuerySchema.extend(filters);
}

/**
 * One page of a list: `items` and `nextCursor` (`null` on the last page). Pass `nextCursor` as
 * `?cursor=` to get the next page.
 *
 * @example
 * ```ts
 * const BulletinPageSchema = pageOf(BulletinSchema);
 * ```
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    nextCursor: z.string().min(1).nullable().describe('Cursor of the next page; null on the last page'),
  });
}
