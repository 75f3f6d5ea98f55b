import type { Bulletin } from '@nguon/bulletin';
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './db';
import type { ScopeUnits } from './scope';

/**
 * The caller of a request: a token's id, role, unit scope and label.
 *
 * @example
 * ```ts
 * const p: Principal = { id: '01JD…', role: 'editor', units: ['52'], label: 'Biên tập viên Sở' };
 * ```
 */
export interface Principal {
  id: string;
  role: 'admin' | 'editor' | 'approver' | 'operator' | 'viewer';
  units: string[];
  label: string;
}

/**
 * One entry of the audit log of a bulletin: who (token id and role), what (action), when, and the
 * status change.
 *
 * @example
 * ```ts
 * const entries: AuditEntry[] = await auditLog(db, '01JD…');
 * ```
 */
export interface AuditEntry {
  bulletinId: string;
  at: string;
  actorId: string;
  actorRole: string;
  action: string;
  from: string | null;
  to: string;
  version: number;
  note: string | null;
}

type Db = Kysely<Tables> | Transaction<Tables>;

export const utcText = (time: string) => new Date(time).toISOString();

/** The rows of `bulletin_units` for a bulletin: its target units and every unit above them. */
export function unitRows(b: Bulletin, units: ScopeUnits) {
  const rows = new Map<string, { bulletin_id: string; unit_code: string; kind: string }>();
  const target = b.targets.units;
  if (target) {
    for (const code of target.codes) {
      rows.set(`t${code}`, { bulletin_id: b.id, unit_code: code, kind: 'target' });
      for (const a of units.ancestorsOf(code, target.at)) {
        rows.set(`a${a}`, { bulletin_id: b.id, unit_code: a, kind: 'ancestor' });
      }
    }
  }
  return [...rows.values()];
}

export async function insertBulletin(db: Db, b: Bulletin, units: ScopeUnits, cap: unknown): Promise<void> {
  await db
    .insertInto('bulletins')
    .values({
      id: b.id,
      version: b.version,
      status: b.status,
      priority: b.priority,
      category: b.category,
      start_at: utcText(b.schedule.start),
      created_at: b.createdAt,
      updated_at: b.updatedAt ?? b.createdAt,
      published_at: b.publishedAt ?? null,
      body: JSON.stringify(b),
      cap: cap === undefined ? null : JSON.stringify(cap),
    })
    .execute();
  const rows = unitRows(b, units);
  if (rows.length > 0) await db.insertInto('bulletin_units').values(rows).execute();
}

/** Replaces a bulletin if it is still at `expectedVersion`; false when someone changed it since. */
export async function updateBulletin(
  db: Db,
  b: Bulletin,
  expectedVersion: number,
  units: ScopeUnits,
  targetsChanged: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('bulletins')
    .set({
      version: b.version,
      status: b.status,
      priority: b.priority,
      category: b.category,
      start_at: utcText(b.schedule.start),
      updated_at: b.updatedAt ?? b.createdAt,
      published_at: b.publishedAt ?? null,
      body: JSON.stringify(b),
    })
    .where('id', '=', b.id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  if (targetsChanged) {
    await db.deleteFrom('bulletin_units').where('bulletin_id', '=', b.id).execute();
    const rows = unitRows(b, units);
    if (rows.length > 0) await db.insertInto('bulletin_units').values(rows).execute();
  }
  return true;
}

export async function getStoredBulletin(
  db: Db,
  id: string,
): Promise<{ bulletin: Bulletin; cap: unknown } | undefined> {
  const row = await db
    .selectFrom('bulletins')
    .select(['body', 'cap'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    bulletin: JSON.parse(row.body) as Bulletin,
    cap: row.cap === null ? undefined : JSON.parse(row.cap),
  };
}

export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      bulletin_id: entry.bulletinId,
      at: entry.at,
      actor_id: entry.actorId,
      actor_role: entry.actorRole,
      action: entry.action,
      from_status: entry.from,
      to_status: entry.to,
      version: entry.version,
      note: entry.note,
    })
    .execute();
}

/**
 * The audit log of a bulletin, oldest first: every creation, edit and workflow step with who did it.
 *
 * @example
 * ```ts
 * for (const e of await auditLog(db, id)) console.log(e.at, e.actorRole, e.action, e.from, '→', e.to);
 * ```
 */
export async function auditLog(db: { kysely: Kysely<Tables> }, bulletinId: string): Promise<AuditEntry[]> {
  const rows = await db.kysely
    .selectFrom('audit_log')
    .selectAll()
    .where('bulletin_id', '=', bulletinId)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({
    bulletinId: r.bulletin_id,
    at: r.at,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    from: r.from_status,
    to: r.to_status,
    version: Number(r.version),
    note: r.note,
  }));
}
