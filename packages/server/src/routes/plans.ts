import { type OperationId, problem, type RouteParsedInput, unitInScope } from '@nguon/api';
import {
  type Actual,
  type AggregateOptions,
  aggregateActuals,
  type Dataset,
  type Finding,
  getDataset,
  isWardOrTown,
  listDatasets,
  progress,
  type Target,
  validateDataset,
} from '@nguon/indicators';
import { fail, type HandlerModule, invalid } from '../context';
import { jsonResponse } from '../http';
import type { Principal } from '../store';
import { deviceUnitCodes } from './devices';

/**
 * The operations answered by {@link planHandlers}.
 *
 * @example
 * ```ts
 * PLANS_OPERATIONS.includes('getPlanProgress'); // true
 * ```
 */
export const PLANS_OPERATIONS: readonly OperationId[] = [
  'listPlans',
  'getPlan',
  'getPlanProgress',
  'recordPlanActuals',
];

/**
 * How long after its last sign of life (status or presence change) a device still counts as working
 * for the registry-proven actuals: 24 hours.
 *
 * @example
 * ```ts
 * const since = new Date(Date.now() - WORKING_WINDOW_MS).toISOString();
 * ```
 */
export const WORKING_WINDOW_MS = 24 * 3_600_000;

/**
 * The indicators the device registry can prove, by device kind: a working radio (IP loudspeaker
 * system) proves `commune_radio` and `commune_radio_ict` (it speaks protocol v1 over IP); a working
 * board proves `ward_board` for a ward or town and `commune_board` for a commune (xã).
 *
 * @example
 * ```ts
 * REGISTRY_INDICATORS.radio; // ['commune_radio', 'commune_radio_ict']
 * ```
 */
export const REGISTRY_INDICATORS = {
  radio: ['commune_radio', 'commune_radio_ict'],
  board: { wardOrTown: 'ward_board', commune: 'commune_board' },
} as const;

/** The note every registry-proven actual carries. */
const REGISTRY_NOTE = 'registry: a working device is registered at the 2025 commune this unit went to';

const PAGE_LIMIT_DEFAULT = 50;

/** Where an actual came from: recorded by a person, or proven by the device registry. */
type ActualSource = 'recorded' | 'registry';

/**
 * The source of the actual of each (indicator, unit) of a plan in one year, as the progress rows
 * aggregate it: the same aggregation of `@nguon/indicators` runs over markers (1 for a
 * registry-proven actual, 0 for a recorded one), so a sum holds a registry part exactly when its
 * marker sum is above 0, and a unit's own actual hides its sub-units as it does for the values.
 */
function sourcesOf(
  plan: Dataset,
  sourced: readonly { actual: Actual; source: ActualSource }[],
  year: number,
  registry: AggregateOptions['registry'],
): (indicator: string, unitCode: string) => ActualSource | undefined {
  const markers = sourced
    .filter((m) => m.actual.year === year)
    .map(({ actual, source }) => ({
      ...actual,
      value: actual.value === null ? null : source === 'registry' ? 1 : 0,
    }));
  const bySum = new Map<string, ActualSource>();
  for (const a of aggregateActuals(plan, markers, year, { registry })) {
    if (a.value !== null) bySum.set(`${a.indicator}|${a.unitCode}`, a.value > 0 ? 'registry' : 'recorded');
  }
  return (indicator, unitCode) => bySum.get(`${indicator}|${unitCode}`);
}

/**
 * A plan laid over the unit lists: its old communes, the ancestors of each unit at the plan's
 * snapshot and the communes in force today that each unit went to.
 *
 * @example
 * ```ts
 * const g: Pick<PlanGeometry, 'ancestors' | 'today'> = { ancestors: new Map([['622', ['64']]]), today: new Map([['622', ['23575']]]) };
 * ```
 */
export interface PlanGeometry {
  plan: Dataset;
  /** Old (snapshot) communes of the plan, with their ward/town flag. */
  communes: { code: string; wardOrTown: boolean; parent: string }[];
  /** Plan unit or old commune → its ancestors at the snapshot. */
  ancestors: Map<string, readonly string[]>;
  /** Plan unit or old commune → the communes in force today that cover it. */
  today: Map<string, readonly string[]>;
  /** Every code a plan row or an actual may name: plan units and their communes. */
  known: Set<string>;
}

function encodeOffset(n: number): string {
  return Buffer.from(JSON.stringify({ s: n })).toString('base64url');
}

function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown };
    if (typeof value.s === 'number' && Number.isInteger(value.s) && value.s >= 0) return value.s;
  } catch {
    // falls through
  }
  return invalid([{ path: 'query.cursor', message: 'expected the nextCursor of a previous page' }]);
}

/**
 * Decides whether a unit of a plan (a code in force on the plan's unit snapshot) lies within a
 * scope (unit codes in force today, or older codes):
 *
 * - the scope names the unit or one of its ancestors **at the snapshot** (a token of old province
 *   `64` or old district `622` sees its rows), or
 * - every commune in force today that the unit went to is within the scope by today's ancestors (a
 *   token of the new province `52` sees the whole 2024 plan of Gia Lai; a token of one new commune
 *   sees only the old communes that went wholly into it, never a district row).
 *
 * A unit that went nowhere (no successor recorded) is seen only through the first rule.
 *
 * @example
 * ```ts
 * planUnitInScope('622', ['52'], geometry, shared.anc); // true
 * ```
 */
export function planUnitInScope(
  code: string,
  scope: readonly string[],
  geometry: Pick<PlanGeometry, 'ancestors' | 'today'>,
  anc: (code: string) => readonly string[],
): boolean {
  if (scope.includes(code)) return true;
  const old = geometry.ancestors.get(code) ?? [];
  if (old.some((a) => scope.includes(a))) return true;
  const now = geometry.today.get(code) ?? [];
  return now.length > 0 && now.every((c) => unitInScope(c, scope, anc));
}

/**
 * The plans routes of the contract: the built-in datasets of `@nguon/indicators`, their progress
 * with recorded actuals (table `plan_actuals`) and the actuals the device registry proves.
 *
 * @example
 * ```ts
 * const handlers = planHandlers(shared);
 * ```
 */
export const planHandlers: HandlerModule = (shared) => {
  const { k, units, anc } = shared;
  const registry = units.registry;
  const geometries = new Map<string, PlanGeometry>();

  /** The geometry of a plan against today's unit list, computed once per plan and day. */
  function geometryOf(plan: Dataset): PlanGeometry {
    const today = units.today();
    const key = `${plan.id}|${today}`;
    const hit = geometries.get(key);
    if (hit) return hit;
    const at = plan.unitSnapshot;
    const ancestors = new Map<string, readonly string[]>();
    const todayOf = new Map<string, readonly string[]>();
    const communes: PlanGeometry['communes'] = [];
    const known = new Set<string>();
    const successors = (code: string): string[] => {
      try {
        return registry
          .mapForward(code, { from: at, to: today })
          .filter((m) => m.level === 'commune')
          .map((m) => m.code);
      } catch {
        return [];
      }
    };
    for (const unit of plan.units) {
      known.add(unit.code);
      ancestors.set(
        unit.code,
        registry.get(unit.code, at) ? registry.ancestors(unit.code, at).map((u) => u.code) : [],
      );
      const subs = registry.get(unit.code, at)
        ? registry.descendants(unit.code, at, { level: 'commune' })
        : [];
      const covered = new Set<string>();
      for (const c of subs) {
        if (!known.has(c.code)) {
          known.add(c.code);
          communes.push({ code: c.code, wardOrTown: isWardOrTown(c), parent: c.parent ?? unit.code });
          ancestors.set(
            c.code,
            registry.ancestors(c.code, at).map((u) => u.code),
          );
          todayOf.set(c.code, successors(c.code));
        }
        for (const n of todayOf.get(c.code) ?? []) covered.add(n);
      }
      todayOf.set(unit.code, [...covered]);
    }
    const geometry = { plan, communes, ancestors, today: todayOf, known };
    geometries.set(key, geometry);
    return geometry;
  }

  function planOr404(id: string): Dataset {
    if (!listDatasets().includes(id)) {
      fail(problem('not_found', { detail: `no plan ${id}; plans: ${listDatasets().join(', ')}` }));
    }
    return getDataset(id);
  }

  const visible = (g: PlanGeometry, code: string, scope: readonly string[]) =>
    planUnitInScope(code, scope, g, anc);

  /** A-S3: some unit of the plan or one of its communes lies within the scope. */
  const touches = (g: PlanGeometry, scope: readonly string[]) =>
    g.plan.units.some((u) => visible(g, u.code, scope)) || g.communes.some((c) => visible(g, c.code, scope));

  /** A plan the token may read (A-S3) and its geometry; 404 for an unknown plan or one outside. */
  function readablePlan(id: string, p: Principal): { plan: Dataset; g: PlanGeometry } {
    const plan = planOr404(id);
    const g = geometryOf(plan);
    if (!touches(g, p.units)) fail(problem('not_found', { detail: `no plan ${id}` }));
    return { plan, g };
  }

  /** The stored (typed) actuals of a plan. */
  async function storedActuals(planId: string): Promise<Actual[]> {
    const rows = await k
      .selectFrom('plan_actuals')
      .select(['body'])
      .where('plan_id', '=', planId)
      .orderBy('indicator')
      .orderBy('unit_code')
      .orderBy('year')
      .execute();
    return rows.map((r) => JSON.parse(r.body) as Actual);
  }

  /**
   * The actuals the device registry proves for the current year: one per old commune whose 2025
   * commune has a working device of the kind (value 1, status `estimated`).
   */
  async function registryActuals(g: PlanGeometry): Promise<Actual[]> {
    const now = shared.now();
    const year = Number(units.today().slice(0, 4));
    if (!g.plan.years.includes(year)) return [];
    const since = new Date(now.getTime() - WORKING_WINDOW_MS).toISOString();
    const devices = await k
      .selectFrom('devices')
      .select(['id', 'kind', 'units', 'online', 'last_status_at'])
      .where('kind', 'in', ['radio', 'board'])
      .execute();
    const recent = new Set(
      (
        await k.selectFrom('presence_log').select('device_id').distinct().where('at', '>=', since).execute()
      ).map((r) => r.device_id),
    );
    const radio = new Set<string>();
    const board = new Set<string>();
    for (const d of devices) {
      const working =
        Number(d.online) === 1 ||
        (d.last_status_at !== null && d.last_status_at >= since) ||
        recent.has(d.id);
      if (!working) continue;
      for (const code of deviceUnitCodes(d.units)) (d.kind === 'radio' ? radio : board).add(code);
    }
    const out: Actual[] = [];
    for (const c of g.communes) {
      const now2025 = g.today.get(c.code) ?? [];
      if (now2025.some((n) => radio.has(n))) {
        for (const indicator of REGISTRY_INDICATORS.radio) {
          out.push({ indicator, unitCode: c.code, year, value: 1, status: 'estimated', note: REGISTRY_NOTE });
        }
      }
      if (now2025.some((n) => board.has(n))) {
        const indicator = c.wardOrTown
          ? REGISTRY_INDICATORS.board.wardOrTown
          : REGISTRY_INDICATORS.board.commune;
        out.push({ indicator, unitCode: c.code, year, value: 1, status: 'estimated', note: REGISTRY_NOTE });
      }
    }
    const defined = new Set(g.plan.indicators.map((d) => d.id));
    return out.filter((a) => defined.has(a.indicator));
  }

  /** Findings of the indicators validator on the recorded actuals, read as if they were targets. */
  function findingsOf(g: PlanGeometry, all: Actual[], touched: Actual[]): Finding[] {
    const planUnits = new Set(g.plan.units.map((u) => u.code));
    const asTargets: Target[] = all
      .filter((a) => planUnits.has(a.unitCode))
      .map((a) => ({
        indicator: a.indicator,
        unitCode: a.unitCode,
        year: a.year,
        value: a.value,
        basis: 'printed',
      }));
    const pseudo: Dataset = { ...g.plan, targets: asTargets, published: [] };
    const indicators = new Set(touched.map((a) => a.indicator));
    const near = new Set<string>();
    for (const a of touched) {
      near.add(a.unitCode);
      const parent = g.plan.units.find((u) => u.code === a.unitCode)?.parent;
      if (parent) near.add(parent);
    }
    const findings = validateDataset(pseudo, { registry: null })
      .filter((f) => ['total_mismatch', 'count_exceeds_universe', 'decreasing'].includes(f.kind))
      .filter((f) => indicators.has(f.indicator) && (f.unitCode === undefined || near.has(f.unitCode)))
      .map((f) => ({ ...f, message: f.message.replace('printed total', 'recorded total') }));
    // A commune either has a thing or not: a units-counting actual above 1 cannot be right.
    const byCode = new Map(g.communes.map((c) => [c.code, c]));
    const defs = new Map(g.plan.indicators.map((d) => [d.id, d]));
    for (const a of touched) {
      const c = byCode.get(a.unitCode);
      const def = defs.get(a.indicator);
      if (!c || !def || def.counted !== 'units' || a.value === null) continue;
      const inUniverse =
        def.counts === 'commune_level' ||
        (def.counts === 'wards_towns' && c.wardOrTown) ||
        (def.counts === 'communes_only' && !c.wardOrTown);
      const max = inUniverse ? 1 : 0;
      if (a.value > max) {
        findings.push({
          kind: 'count_exceeds_universe',
          severity: 'error',
          indicator: a.indicator,
          unitCode: a.unitCode,
          year: a.year,
          published: a.value,
          computed: max,
          difference: max - a.value,
          message: `${a.unitCode} ${a.year}: ${a.value} ${a.indicator} units recorded for one commune-level unit, at most ${max} (${def.counts})`,
        });
      }
    }
    return findings;
  }

  function checkUnitQuery(g: PlanGeometry, unit: string | undefined, p: Principal): void {
    if (unit === undefined) return;
    if (!g.known.has(unit) && !units.known(unit)) {
      invalid([{ path: 'query.unit', message: `expected a unit code of the registry, found ${unit}` }]);
    }
    const ok = g.known.has(unit) ? visible(g, unit, p.units) : unitInScope(unit, p.units, anc);
    if (!ok) {
      fail(
        problem('out_of_scope', {
          detail: `query.unit: unit ${unit} is outside the units of the token (rule A-S4)`,
        }),
      );
    }
  }

  return {
    listPlans(ctx) {
      const p = ctx.principal as Principal;
      const q = (ctx.input as RouteParsedInput<'listPlans'>).query;
      const offset = decodeOffset(q.cursor);
      const limit = q.limit ?? PAGE_LIMIT_DEFAULT;
      const list = listDatasets()
        .map(getDataset)
        .filter((plan) => touches(geometryOf(plan), p.units))
        .map((plan) => ({
          id: plan.id,
          title: plan.title,
          issuer: plan.issuer,
          document: plan.document,
          province: plan.province,
          years: plan.years,
          indicatorCount: plan.indicators.length,
        }));
      return jsonResponse(200, {
        items: list.slice(offset, offset + limit),
        nextCursor: offset + limit < list.length ? encodeOffset(offset + limit) : null,
      });
    },

    getPlan(ctx) {
      const p = ctx.principal as Principal;
      const { params } = ctx.input as RouteParsedInput<'getPlan'>;
      return jsonResponse(200, readablePlan(params.id, p).plan);
    },

    async getPlanProgress(ctx) {
      const p = ctx.principal as Principal;
      const { params, query } = ctx.input as RouteParsedInput<'getPlanProgress'>;
      const { plan, g } = readablePlan(params.id, p);
      if (query.year !== undefined && !plan.years.includes(query.year)) {
        invalid([
          {
            path: 'query.year',
            message: `expected one of the plan years ${plan.years.join(', ')}, found ${query.year}`,
          },
        ]);
      }
      checkUnitQuery(g, query.unit, p);
      // Registry-proven actuals first; a recorded actual for the same (indicator, unit, year) replaces it.
      const merged = new Map<string, { actual: Actual; source: ActualSource }>();
      for (const actual of await registryActuals(g)) {
        merged.set(`${actual.indicator}|${actual.unitCode}|${actual.year}`, { actual, source: 'registry' });
      }
      for (const actual of await storedActuals(plan.id)) {
        merged.set(`${actual.indicator}|${actual.unitCode}|${actual.year}`, { actual, source: 'recorded' });
      }
      const sourced = [...merged.values()];
      const actuals = sourced.map((m) => m.actual);
      const years = query.year === undefined ? plan.years : [query.year];
      const rows = years
        .flatMap((year) => {
          const sourceOf = sourcesOf(plan, sourced, year, registry);
          return progress(plan, actuals, year, { registry }).map((r) => {
            const source = r.actual === null ? undefined : sourceOf(r.indicator, r.unitCode);
            return source === undefined ? r : { ...r, source };
          });
        })
        .filter((r) => visible(g, r.unitCode, p.units))
        .filter((r) => query.unit === undefined || visible(g, r.unitCode, [query.unit]));
      return jsonResponse(200, {
        planId: plan.id,
        ...(query.year === undefined ? {} : { year: query.year }),
        rows,
      });
    },

    async recordPlanActuals(ctx) {
      const p = ctx.principal as Principal;
      const { params, body } = ctx.input as RouteParsedInput<'recordPlanActuals'>;
      const { plan, g } = readablePlan(params.id, p);
      const defined = new Set(plan.indicators.map((d) => d.id));
      const errors: { path: string; message: string }[] = [];
      body.actuals.forEach((a, i) => {
        if (!defined.has(a.indicator)) {
          errors.push({
            path: `body.actuals[${i}].indicator`,
            message: `expected an indicator of ${plan.id} (${[...defined].join(', ')}), found "${a.indicator}"`,
          });
        }
        if (!g.known.has(a.unitCode)) {
          errors.push({
            path: `body.actuals[${i}].unitCode`,
            message: `expected a unit of ${plan.id} or one of its communes on ${plan.unitSnapshot}, found ${a.unitCode}`,
          });
        }
        if (!plan.years.includes(a.year)) {
          errors.push({
            path: `body.actuals[${i}].year`,
            message: `expected one of the plan years ${plan.years.join(', ')}, found ${a.year}`,
          });
        }
      });
      if (errors.length > 0) invalid(errors);
      const outside = body.actuals.findIndex((a) => !visible(g, a.unitCode, p.units));
      if (outside >= 0) {
        fail(
          problem('out_of_scope', {
            detail: `body.actuals[${outside}].unitCode: unit ${body.actuals[outside]?.unitCode} is outside the units of the token (rule A-S2)`,
          }),
        );
      }
      // A later value for the same (indicator, unit, year) replaces the earlier one, in the body too.
      const latest = new Map<string, Actual>();
      for (const a of body.actuals as Actual[]) latest.set(`${a.indicator}|${a.unitCode}|${a.year}`, a);
      const recordedAt = shared.nowIso();
      const rows = [...latest.values()].map((a) => ({
        plan_id: plan.id,
        indicator: a.indicator,
        unit_code: a.unitCode,
        year: a.year,
        body: JSON.stringify(a),
        recorded_at: recordedAt,
        recorded_by: p.id,
      }));
      await k.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1000) {
          await trx
            .insertInto('plan_actuals')
            .values(rows.slice(i, i + 1000))
            .onConflict((oc) =>
              oc.columns(['plan_id', 'indicator', 'unit_code', 'year']).doUpdateSet((eb) => ({
                body: eb.ref('excluded.body'),
                recorded_at: eb.ref('excluded.recorded_at'),
                recorded_by: eb.ref('excluded.recorded_by'),
              })),
            )
            .execute();
        }
      });
      const findings = findingsOf(g, await storedActuals(plan.id), [...latest.values()]);
      return jsonResponse(200, { stored: rows.length, findings });
    },
  };
};
