import { type OperationId, problem, type RouteParsedInput, unitInScope } from '@nguon/api';
import { fail, type HandlerModule, invalid } from '../context';
import { jsonResponse } from '../http';
import type { Principal } from '../store';
import { utcText } from '../store';
import { deviceUnitCodes } from './devices';

/**
 * The operations answered by {@link reportHandlers}.
 *
 * @example
 * ```ts
 * REPORTS_OPERATIONS.includes('getDeviceReport'); // true
 * ```
 */
export const REPORTS_OPERATIONS: readonly OperationId[] = ['getBroadcastReport', 'getDeviceReport'];

/**
 * The window of `uptimePct` in the device report: the last 30 days, in milliseconds.
 *
 * @example
 * ```ts
 * const windowStart = Date.now() - UPTIME_WINDOW_MS;
 * ```
 */
export const UPTIME_WINDOW_MS = 30 * 24 * 3_600_000;

/**
 * One presence change of a device, as `presence_log` holds it: `online` 1 or 0 at time `at` (ms).
 *
 * @example
 * ```ts
 * const e: PresenceEvent = { at: Date.parse('2026-11-20T00:00:00Z'), online: 1 };
 * ```
 */
export interface PresenceEvent {
  at: number;
  online: number;
}

/**
 * Milliseconds a device was online in `[from, to)`: online from an online event to the next offline
 * event, and still online at `to` after a last online event. `before` is the state at `from` (the
 * last event before the window; offline when there is none). Events must be in time order (ties in
 * the order they were logged); events outside the window are ignored.
 *
 * @example
 * ```ts
 * onlineMs([{ at: 10, online: 1 }, { at: 30, online: 0 }], 0, 100, false); // 20
 * onlineMs([{ at: 90, online: 1 }], 0, 100, true); // 100
 * ```
 */
export function onlineMs(
  events: readonly PresenceEvent[],
  from: number,
  to: number,
  before: boolean,
): number {
  if (to <= from) return 0;
  let online = before;
  let since = from;
  let total = 0;
  for (const e of events) {
    if (e.at < from) {
      online = e.online === 1;
      continue;
    }
    if (e.at >= to) break;
    if (online) total += e.at - since;
    online = e.online === 1;
    since = e.at;
  }
  if (online) total += to - since;
  return total;
}

/** Lowest-level units of a `unit_path`: codes that are not above another code of the same path. */
function lowestOf(path: string, anc: (code: string) => readonly string[]): string[] {
  const codes = path.split('|').filter((c) => c !== '');
  const above = new Set(codes.flatMap((c) => anc(c)));
  return codes.filter((c) => !above.has(c));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The reports routes of the contract: broadcasts (plays, minutes on air) per unit from the verified
 * receipts, and devices, uptime and coverage per unit from the registry and `presence_log`.
 *
 * @example
 * ```ts
 * const handlers = reportHandlers(shared);
 * ```
 */
export const reportHandlers: HandlerModule = (shared) => {
  const { k, units, anc } = shared;
  const registry = units.registry;

  function checkUnit(unit: string | undefined, p: Principal): void {
    if (unit === undefined) return;
    if (!units.known(unit)) {
      invalid([{ path: 'query.unit', message: `expected a unit code of the registry, found ${unit}` }]);
    }
    if (!unitInScope(unit, p.units, anc)) {
      fail(
        problem('out_of_scope', {
          detail: `query.unit: unit ${unit} is outside the units of the token (rule A-S4)`,
        }),
      );
    }
  }

  const pathLike = (codes: readonly string[]) => codes.map((c) => `%|${c}|%`);

  return {
    async getBroadcastReport(ctx) {
      const p = ctx.principal as Principal;
      const q = (ctx.input as RouteParsedInput<'getBroadcastReport'>).query;
      const from = utcText(q.from);
      const to = utcText(q.to);
      if (to <= from) {
        invalid([{ path: 'query.to', message: `expected a time after query.from (${from}), found ${to}` }]);
      }
      checkUnit(q.unit, p);
      let query = k
        .selectFrom('receipts')
        .select(['device_id', 'bulletin_id', 'outcome', 'duration_sec', 'unit_path'])
        .where('verified', '=', 1)
        .where('started_at', '>=', from)
        .where('started_at', '<', to)
        .where((eb) => eb.or(pathLike(p.units).map((l) => eb('unit_path', 'like', l))));
      if (q.unit !== undefined) query = query.where('unit_path', 'like', `%|${q.unit}|%`);
      const rows = await query.execute();
      const wanted = (code: string) =>
        unitInScope(code, p.units, anc) && (q.unit === undefined || unitInScope(code, [q.unit], anc));
      interface Acc {
        plays: number;
        seconds: number;
        bulletins: Set<string>;
        devices: Set<string>;
      }
      const blank = (): Acc => ({ plays: 0, seconds: 0, bulletins: new Set(), devices: new Set() });
      const perUnit = new Map<string, Acc>();
      const total = blank();
      const lowest = new Map<string, string[]>();
      const add = (acc: Acc, r: (typeof rows)[number]) => {
        const seconds = Math.max(0, Number(r.duration_sec) || 0);
        acc.devices.add(r.device_id);
        acc.seconds += seconds;
        if (r.outcome === 'completed') acc.plays += 1;
        if (r.outcome === 'completed' || seconds > 0) acc.bulletins.add(r.bulletin_id);
      };
      for (const r of rows) {
        let codes = lowest.get(r.unit_path);
        if (!codes) {
          codes = lowestOf(r.unit_path, anc).filter(wanted);
          lowest.set(r.unit_path, codes);
        }
        if (codes.length === 0) continue;
        add(total, r);
        for (const code of codes) {
          let acc = perUnit.get(code);
          if (!acc) {
            acc = blank();
            perUnit.set(code, acc);
          }
          add(acc, r);
        }
      }
      const figures = (a: Acc) => ({
        plays: a.plays,
        minutesOnAir: round2(a.seconds / 60),
        bulletins: a.bulletins.size,
        devicesReporting: a.devices.size,
      });
      return jsonResponse(200, {
        from,
        to,
        units: [...perUnit.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([unitCode, acc]) => ({ unitCode, ...figures(acc) })),
        totals: figures(total),
      });
    },

    async getDeviceReport(ctx) {
      const p = ctx.principal as Principal;
      const q = (ctx.input as RouteParsedInput<'getDeviceReport'>).query;
      checkUnit(q.unit, p);
      const now = shared.now();
      const at = now.toISOString();
      const today = units.today();
      const nowMs = now.getTime();
      const windowStart = nowMs - UPTIME_WINDOW_MS;
      // Every commune in scope today (under `unit` when given).
      const roots = q.unit === undefined ? p.units : [q.unit];
      const communes = new Set<string>();
      for (const code of roots) {
        const unit = registry.get(code, today);
        if (!unit) continue;
        if (unit.level === 'commune') communes.add(code);
        else for (const c of registry.descendants(code, today, { level: 'commune' })) communes.add(c.code);
      }
      let query = k
        .selectFrom('devices')
        .select(['id', 'units', 'online', 'created_at'])
        .where((eb) => eb.or(pathLike(p.units).map((l) => eb('unit_path', 'like', l))));
      if (q.unit !== undefined) query = query.where('unit_path', 'like', `%|${q.unit}|%`);
      const devices = await query.execute();
      const wanted = (code: string) =>
        unitInScope(code, p.units, anc) && (q.unit === undefined || unitInScope(code, [q.unit], anc));
      // Presence: the events inside the window and the last event before it, per device.
      const startIso = new Date(windowStart).toISOString();
      const ids = devices.map((d) => d.id);
      const events = new Map<string, PresenceEvent[]>();
      const before = new Map<string, boolean>();
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        const inWindow = await k
          .selectFrom('presence_log')
          .select(['device_id', 'online', 'at', 'seq'])
          .where('device_id', 'in', chunk)
          .where('at', '>=', startIso)
          .orderBy('at')
          .orderBy('seq')
          .execute();
        for (const e of inWindow) {
          let list = events.get(e.device_id);
          if (!list) {
            list = [];
            events.set(e.device_id, list);
          }
          list.push({ at: Date.parse(e.at), online: Number(e.online) });
        }
        const last = await k
          .selectFrom('presence_log as l')
          .select(['l.device_id', 'l.online'])
          .where('l.device_id', 'in', chunk)
          .where('l.seq', 'in', (eb) =>
            eb
              .selectFrom('presence_log')
              .select((e) => e.fn.max('seq').as('seq'))
              .where('device_id', 'in', chunk)
              .where('at', '<', startIso)
              .groupBy('device_id'),
          )
          .execute();
        for (const e of last) before.set(e.device_id, Number(e.online) === 1);
      }
      interface Acc {
        devices: number;
        online: number;
        up: number;
        span: number;
      }
      const perUnit = new Map<string, Acc>();
      for (const c of communes) perUnit.set(c, { devices: 0, online: 0, up: 0, span: 0 });
      for (const d of devices) {
        const codes = deviceUnitCodes(d.units);
        if (codes.length === 0) continue;
        const start = Math.max(windowStart, Date.parse(d.created_at) || windowStart);
        const span = Math.max(0, nowMs - start);
        const up = onlineMs(events.get(d.id) ?? [], start, nowMs, before.get(d.id) ?? false);
        for (const code of new Set(codes)) {
          if (!wanted(code)) continue;
          let acc = perUnit.get(code);
          if (!acc) {
            acc = { devices: 0, online: 0, up: 0, span: 0 };
            perUnit.set(code, acc);
          }
          acc.devices += 1;
          if (Number(d.online) === 1) acc.online += 1;
          acc.up += up;
          acc.span += span;
        }
      }
      const rows = [...perUnit.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([unitCode, a]) => ({
          unitCode,
          devices: a.devices,
          online: a.online,
          uptimePct: a.span > 0 ? Math.min(100, round2((a.up / a.span) * 100)) : 0,
          covered: a.online > 0,
        }));
      const coveredCommunes = [...communes].filter((c) => (perUnit.get(c)?.online ?? 0) > 0).length;
      return jsonResponse(200, {
        at,
        units: rows,
        coveragePct: communes.size > 0 ? round2((coveredCommunes / communes.size) * 100) : 0,
      });
    },
  };
};
