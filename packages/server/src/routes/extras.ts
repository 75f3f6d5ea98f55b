import { createHash } from 'node:crypto';
import { type OperationId, problem, type RouteParsedInput, touchesScope } from '@nguon/api';
import { fail, type HandlerModule } from '../context';
import { FEED_WIDGET_JS } from '../embed/generated/feed-widget';
import { jsonResponse } from '../http';
import { auditLog, getStoredBulletin, type Principal } from '../store';

/**
 * The operations answered by {@link extraHandlers}.
 *
 * @example
 * ```ts
 * EXTRA_OPERATIONS.includes('getBulletinHistory'); // true
 * ```
 */
export const EXTRA_OPERATIONS: readonly OperationId[] = ['getBulletinHistory', 'getFeedScript'];

const SCRIPT_ETAG = `"${createHash('sha256').update(FEED_WIDGET_JS).digest('base64url').slice(0, 27)}"`;

/**
 * Routes added to the contract after the first slice: the audit log of a bulletin
 * (`getBulletinHistory`) and the embeddable feed script for commune websites (`getFeedScript`).
 *
 * @example
 * ```ts
 * const handlers = extraHandlers(shared);
 * await handlers.getFeedScript?.(ctx); // 200 text/javascript, or 304 for a matching If-None-Match
 * ```
 */
export const extraHandlers: HandlerModule = (shared) => ({
  async getBulletinHistory(ctx) {
    const p = ctx.principal as Principal;
    const { id } = (ctx.input as RouteParsedInput<'getBulletinHistory'>).params;
    const stored = await getStoredBulletin(shared.k, id);
    // A bulletin outside the scope answers like a missing one (rule A-S3).
    const codes = stored?.bulletin.targets.units?.codes ?? [];
    if (!stored || !touchesScope(codes, p.units, shared.anc)) {
      return fail(problem('not_found', { detail: `no bulletin ${id}` }));
    }
    const entries = await auditLog(shared.db, id);
    return jsonResponse(200, {
      items: entries.map((e) => ({
        at: new Date(e.at).toISOString(),
        actor: { id: e.actorId, role: e.actorRole },
        action: e.action,
        from: e.from,
        to: e.to,
        version: e.version,
        ...(e.note === null ? {} : { note: e.note }),
      })),
    });
  },

  getFeedScript(ctx) {
    const headers: Record<string, string> = {
      etag: SCRIPT_ETAG,
      // Short enough that a new server version reaches commune websites within minutes.
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
    };
    const inm = ctx.request.headers.get('if-none-match');
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === SCRIPT_ETAG || t.trim() === '*')) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(FEED_WIDGET_JS, {
      status: 200,
      headers: { ...headers, 'content-type': 'text/javascript; charset=utf-8' },
    });
  },
});
