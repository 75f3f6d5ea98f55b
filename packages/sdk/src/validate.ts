// `@nguon/sdk/validate`: checks success bodies with the contract's zod schemas. A separate entry so
// that the core client stays free of zod (about 80 KB gzip with the bulletin schemas).
import { type OperationId, ROUTES } from '@nguon/api';
import type { ResponseValidator } from './client';

/**
 * A response validator built from the `@nguon/api` zod schemas: every JSON or text success body is
 * parsed with its route's schema (defaults filled); a body that does not fit rejects the call with
 * `SdkError` `invalid_response` naming each field that is wrong.
 *
 * @example
 * ```ts
 * import { createClient } from '@nguon/sdk';
 * import { validateResponses } from '@nguon/sdk/validate';
 *
 * const client = createClient({ baseUrl, token, validate: validateResponses() });
 * ```
 */
export function validateResponses(): ResponseValidator {
  return (operationId: OperationId, data: unknown) => {
    const content = (
      ROUTES[operationId].success as { content?: { schema?: { safeParse: (v: unknown) => unknown } } }
    ).content;
    if (!content?.schema) return data;
    const result = content.schema.safeParse(data) as
      | { success: true; data: unknown }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
    if (result.success) return result.data;
    const issues = result.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw new TypeError(
      `expected the body of the contract, found ${result.error.issues.length} mismatch(es): ${issues}`,
    );
  };
}
