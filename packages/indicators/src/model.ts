import * as z from 'zod';
import { IndicatorsError, type InputIssue } from './errors';

/**
 * Text in Vietnamese (authoritative, as printed) and English.
 *
 * @example
 * ```ts
 * LocalizedText.parse({ vi: 'Cấp xã', en: 'Commune level' });
 * ```
 */
export const LocalizedText = z.strictObject({ vi: z.string().min(1), en: z.string().min(1) });
/** @see {@link LocalizedText} @example `const t: LocalizedText = { vi: 'Cấp huyện', en: 'District level' };` */
export type LocalizedText = z.infer<typeof LocalizedText>;

/**
 * Indicator id: lower-case snake case, e.g. `commune_radio`.
 *
 * @example
 * ```ts
 * IndicatorId.parse('commune_radio_ict');
 * ```
 */
export const IndicatorId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a snake_case indicator id such as "commune_radio"');
/** @see {@link IndicatorId} @example `const id: IndicatorId = 'ward_board';` */
export type IndicatorId = z.infer<typeof IndicatorId>;

/**
 * Administrative unit code as published by the statistics office (GSO): 2 digits for a province,
 * 3 for a district, 5 for a commune-level unit.
 *
 * @example
 * ```ts
 * UnitCode.parse('622'); // Thành phố Pleiku
 * ```
 */
export const UnitCode = z
  .string()
  .regex(
    /^(\d{2}|\d{3}|\d{5})$/,
    'expected a GSO unit code of 2 (province), 3 (district) or 5 (commune) digits',
  );
/** @see {@link UnitCode} @example `const pleiku: UnitCode = '622';` */
export type UnitCode = z.infer<typeof UnitCode>;

/**
 * Calendar date `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * IsoDate.parse('2024-09-01');
 * ```
 */
export const IsoDate = z.iso.date({ message: 'expected a date YYYY-MM-DD' });
/** @see {@link IsoDate} @example `const d: IsoDate = '2024-05-06';` */
export type IsoDate = z.infer<typeof IsoDate>;

/**
 * A calendar year a plan counts in.
 *
 * @example
 * ```ts
 * Year.parse(2024);
 * ```
 */
export const Year = z.int().min(1900).max(2200);
/** @see {@link Year} @example `const y: Year = 2025;` */
export type Year = z.infer<typeof Year>;

/**
 * Which administrative units an indicator counts (its population, *phạm vi*):
 *
 * - `commune_level`: every commune-level unit (xã, phường, thị trấn);
 * - `wards_towns`: only phường and thị trấn;
 * - `communes_only`: only xã;
 * - `district`: district-level units (huyện, thị xã, thành phố thuộc tỉnh);
 * - `province`: the province itself.
 *
 * @example
 * ```ts
 * UnitScope.parse('wards_towns');
 * ```
 */
export const UnitScope = z.enum(['commune_level', 'wards_towns', 'communes_only', 'district', 'province']);
/** @see {@link UnitScope} @example `const s: UnitScope = 'communes_only';` */
export type UnitScope = z.infer<typeof UnitScope>;

/**
 * How an indicator is measured.
 *
 * - `count`: a number of units (or items) having something; no rate.
 * - `rate`: numerator ÷ denominator × 100. Observations (targets, actuals) store the NUMERATOR
 *   count; the rate is always computed from the definition, never stored.
 * - `boolean`: 1 (yes) or 0 (no), e.g. "the province has a source system".
 *
 * @example
 * ```ts
 * IndicatorKind.parse('rate');
 * ```
 */
export const IndicatorKind = z.enum(['count', 'rate', 'boolean']);
/** @see {@link IndicatorKind} @example `const k: IndicatorKind = 'count';` */
export type IndicatorKind = z.infer<typeof IndicatorKind>;

/**
 * How a computed rate is rounded to the indicator's decimals. `half_up` rounds halves away from
 * zero (what Excel's ROUND and most printed Vietnamese tables do); `half_even` is banker's rounding.
 *
 * @example
 * ```ts
 * Rounding.parse('half_up');
 * ```
 */
export const Rounding = z.enum(['half_up', 'half_even', 'floor', 'ceil']);
/** @see {@link Rounding} @example `const r: Rounding = 'half_even';` */
export type Rounding = z.infer<typeof Rounding>;

/**
 * Denominator of a rate: either the number of units of a scope (the universe, counted at the
 * dataset's unit snapshot) or the value of another indicator for the same unit and year.
 *
 * @example
 * ```ts
 * Denominator.parse({ universe: 'commune_level' });
 * Denominator.parse({ indicator: 'commune_radio' });
 * ```
 */
export const Denominator = z.union([
  z.strictObject({ universe: UnitScope }),
  z.strictObject({ indicator: IndicatorId }),
]);
/** @see {@link Denominator} @example `const d: Denominator = { universe: 'district' };` */
export type Denominator = z.infer<typeof Denominator>;

/**
 * Definition of one indicator (*chỉ tiêu*).
 *
 * `refs` are the item numbers the source document uses (e.g. `I.1.1` for table I row 1.1 and
 * `II.I.1` for table II, section I, row 1). `counted` says whether the numerator counts units
 * having something (`units`, the default; it can never exceed the universe) or items such as
 * boards (`items`; several per unit are possible, and the rate is the share of units having at
 * least one). `decimals` and `rounding` say how computed rates are shown; validation compares with
 * as many decimals as each figure prints.
 *
 * @example
 * ```ts
 * const def = IndicatorDefinition.parse({
 *   id: 'commune_radio',
 *   refs: ['I.1.1', 'II.I.1'],
 *   name: { vi: 'Xã, phường, thị trấn có hệ thống truyền thanh', en: 'Commune-level units with a radio system' },
 *   counts: 'commune_level',
 *   kind: 'rate',
 *   denominator: { universe: 'commune_level' },
 *   decimals: 1,
 *   source: '1055/KH-UBND',
 * });
 * ```
 */
export const IndicatorDefinition = z
  .strictObject({
    id: IndicatorId,
    refs: z.array(z.string().min(1)),
    name: LocalizedText,
    description: LocalizedText.optional(),
    counts: UnitScope,
    counted: z.enum(['units', 'items']).default('units'),
    kind: IndicatorKind,
    denominator: Denominator.optional(),
    decimals: z.int().min(0).max(6).default(1),
    rounding: Rounding.default('half_up'),
    source: z.string().min(1),
  })
  .superRefine((def, ctx) => {
    if (def.kind === 'rate' && def.denominator === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['denominator'],
        message:
          'expected a denominator ({universe} or {indicator}) for an indicator of kind "rate", found none',
      });
    }
    if (def.kind !== 'rate' && def.denominator !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['denominator'],
        message: `expected no denominator for an indicator of kind "${def.kind}", found one`,
      });
    }
    if (
      'indicator' in (def.denominator ?? {}) &&
      (def.denominator as { indicator: string }).indicator === def.id
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['denominator', 'indicator'],
        message: 'an indicator cannot be its own denominator',
      });
    }
  });
/** @see {@link IndicatorDefinition} @example `const ids = (defs: IndicatorDefinition[]) => defs.map((d) => d.id);` */
export type IndicatorDefinition = z.infer<typeof IndicatorDefinition>;
/** Input shape of {@link IndicatorDefinition} (defaults not yet applied). @example `const d: IndicatorDefinitionInput = { id: 'x', refs: [], name: { vi: 'x', en: 'x' }, counts: 'province', kind: 'boolean', source: 's' };` */
export type IndicatorDefinitionInput = z.input<typeof IndicatorDefinition>;

/**
 * A value of an observation: a non-negative finite number, or `null` for missing. Missing is
 * never 0: a "-" or blank cell in a plan is `null`.
 *
 * @example
 * ```ts
 * ObservationValue.parse(null);
 * ```
 */
export const ObservationValue = z.number().finite().nonnegative().nullable();
/** @see {@link ObservationValue} @example `const v: ObservationValue = 203;` */
export type ObservationValue = z.infer<typeof ObservationValue>;

/**
 * Where a target value comes from: `printed` in the document as a number, `derived` from a
 * printed rate × universe (when the document prints only a rate, e.g. "100%"), `summed` from
 * unit rows by a tool.
 *
 * @example
 * ```ts
 * TargetBasis.parse('derived');
 * ```
 */
export const TargetBasis = z.enum(['printed', 'derived', 'summed']);
/** @see {@link TargetBasis} @example `const b: TargetBasis = 'printed';` */
export type TargetBasis = z.infer<typeof TargetBasis>;

/**
 * The planned value (*chỉ tiêu*) of one indicator for one unit and year. For `rate` indicators the
 * value is the numerator count (units having something); the rate is computed.
 *
 * @example
 * ```ts
 * Target.parse({ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 12 });
 * ```
 */
export const Target = z.strictObject({
  indicator: IndicatorId,
  unitCode: UnitCode,
  year: Year,
  value: ObservationValue,
  basis: TargetBasis.default('printed'),
  note: z.string().optional(),
});
/** @see {@link Target} @example `const t: Target = { indicator: 'ward_board', unitCode: '64', year: 2025, value: 38, basis: 'printed' };` */
export type Target = z.infer<typeof Target>;

/**
 * A figure exactly as the document prints it, kept so that `validateDataset` can recompute
 * and compare. `printed` is the cell text ("203 (92,3%)", "92,3%", "12", "-", or "" for blank);
 * `count` and `rate` are what it says, `null` when the cell does not state them.
 *
 * @example
 * ```ts
 * PublishedFigure.parse({
 *   table: 'II', ref: 'II.I.1', indicator: 'commune_radio', unitCode: '64', year: 2024,
 *   count: 203, rate: 92.3, printed: '203 (92,3%)',
 * });
 * ```
 */
export const PublishedFigure = z.strictObject({
  table: z.string().min(1),
  ref: z.string().min(1),
  indicator: IndicatorId,
  unitCode: UnitCode,
  year: Year,
  count: z.number().finite().nonnegative().nullable(),
  rate: z.number().finite().nonnegative().nullable(),
  printed: z.string(),
});
/** @see {@link PublishedFigure} @example `const f: PublishedFigure = { table: 'I', ref: 'I.1.1', indicator: 'commune_radio', unitCode: '64', year: 2021, count: null, rate: 85, printed: '85%' };` */
export type PublishedFigure = z.infer<typeof PublishedFigure>;

/**
 * A universe the document prints: how many units of a scope a unit had at the snapshot (the
 * "Tổng số đơn vị hành chính (hiện nay)" column). `basis: 'snapshot'` marks a universe the
 * document implies but does not print, counted from the unit registry at the snapshot.
 *
 * @example
 * ```ts
 * Universe.parse({ scope: 'commune_level', unitCode: '64', value: 220, ref: 'II.I.1', printed: 'Số xã, phường, thị trấn: 220' });
 * ```
 */
export const Universe = z.strictObject({
  scope: UnitScope,
  unitCode: UnitCode,
  value: z.int().nonnegative(),
  ref: z.string().min(1),
  printed: z.string(),
  basis: z.enum(['printed', 'snapshot']).default('printed'),
});
/** @see {@link Universe} @example `const u: Universe = { scope: 'wards_towns', unitCode: '64', value: 38, ref: 'II.I.3', printed: '38' };` */
export type Universe = z.infer<typeof Universe>;

/**
 * A unit a dataset refers to: its GSO `code`, official `name` from the unit registry at the
 * snapshot, the `printedName` as the document spells it, `level`, and `parent` code.
 *
 * @example
 * ```ts
 * DatasetUnit.parse({ code: '622', name: 'Thành phố Pleiku', printedName: 'Thành phố Pleiku', level: 'district', parent: '64' });
 * ```
 */
export const DatasetUnit = z.strictObject({
  code: UnitCode,
  name: z.string().min(1),
  printedName: z.string().min(1),
  level: z.enum(['province', 'district', 'commune']),
  parent: UnitCode.nullable(),
});
/** @see {@link DatasetUnit} @example `const name = (u: DatasetUnit) => u.name;` */
export type DatasetUnit = z.infer<typeof DatasetUnit>;

/**
 * A source credited by a dataset.
 *
 * @example
 * ```ts
 * SourceCredit.parse({ title: 'Kế hoạch 1055/KH-UBND', publisher: 'UBND tỉnh Gia Lai' });
 * ```
 */
export const SourceCredit = z.strictObject({
  title: z.string().min(1),
  publisher: z.string().min(1).optional(),
  url: z.url().optional(),
  note: z.string().optional(),
});
/** @see {@link SourceCredit} @example `const s: SourceCredit = { title: 'Kế hoạch 1055/KH-UBND' };` */
export type SourceCredit = z.infer<typeof SourceCredit>;

const DatasetShape = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a kebab-case dataset id such as "gia-lai-2024"'),
  title: LocalizedText,
  issuer: LocalizedText,
  document: z.strictObject({
    number: z.string().min(1),
    date: IsoDate,
    title: LocalizedText.optional(),
  }),
  province: UnitCode,
  unitSnapshot: IsoDate,
  years: z.array(Year).min(1),
  units: z.array(DatasetUnit).default([]),
  indicators: z.array(IndicatorDefinition).min(1),
  targets: z.array(Target),
  published: z.array(PublishedFigure).default([]),
  universes: z.array(Universe).default([]),
  sources: z.array(SourceCredit).default([]),
  notes: z.array(z.string()).default([]),
});

/**
 * A plan (*kế hoạch*) as data: indicator definitions, one target per (indicator, unit, year), the
 * figures exactly as printed, and the universes the plan counts against.
 *
 * `unitSnapshot` is the date of the administrative-unit set the plan counts: every unit code in
 * the dataset must be valid on that date, and universes are counted at that date.
 *
 * Cross-checks done by the schema: indicator ids are unique; every target, figure and denominator
 * names a known indicator; target years are in `years`; no two targets share (indicator, unit, year);
 * denominators do not form a cycle; when `units` is given, every unit code used is listed there.
 *
 * @example
 * ```ts
 * const plan: Dataset = parseDataset(JSON.parse(text));
 * ```
 */
export const Dataset = DatasetShape.superRefine((ds, ctx) => {
  const ids = new Set<string>();
  ds.indicators.forEach((def, i) => {
    if (ids.has(def.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicators', i, 'id'],
        message: `duplicate indicator id "${def.id}"`,
      });
    }
    ids.add(def.id);
  });
  const known = [...ids].map((id) => `"${id}"`).join(', ');
  ds.indicators.forEach((def, i) => {
    if (def.denominator && 'indicator' in def.denominator && !ids.has(def.denominator.indicator)) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicators', i, 'denominator', 'indicator'],
        message: `expected one of ${known}, found "${def.denominator.indicator}"`,
      });
    }
  });
  const byId = new Map(ds.indicators.map((d) => [d.id, d]));
  for (const def of ds.indicators) {
    const seen = new Set<string>([def.id]);
    let next = def.denominator && 'indicator' in def.denominator ? def.denominator.indicator : undefined;
    while (next !== undefined) {
      if (seen.has(next)) {
        ctx.addIssue({
          code: 'custom',
          path: ['indicators', ds.indicators.indexOf(def), 'denominator'],
          message: `denominators form a cycle through "${next}"`,
        });
        break;
      }
      seen.add(next);
      const d = byId.get(next)?.denominator;
      next = d && 'indicator' in d ? d.indicator : undefined;
    }
  }
  const years = new Set(ds.years);
  const keys = new Set<string>();
  ds.targets.forEach((t, i) => {
    if (!ids.has(t.indicator)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', i, 'indicator'],
        message: `expected one of ${known}, found "${t.indicator}"`,
      });
    }
    if (!years.has(t.year)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', i, 'year'],
        message: `expected one of the dataset years ${ds.years.join(', ')}, found ${t.year}`,
      });
    }
    const key = `${t.indicator}|${t.unitCode}|${t.year}`;
    if (keys.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', i],
        message: `duplicate target for indicator "${t.indicator}", unit ${t.unitCode}, year ${t.year}`,
      });
    }
    keys.add(key);
  });
  if (ds.units.length > 0) {
    const codes = new Set(ds.units.map((u) => u.code));
    const check = (list: readonly { unitCode: string }[], name: string) =>
      list.forEach((x, i) => {
        if (!codes.has(x.unitCode)) {
          ctx.addIssue({
            code: 'custom',
            path: [name, i, 'unitCode'],
            message: `expected a unit listed in "units", found ${x.unitCode}`,
          });
        }
      });
    check(ds.targets, 'targets');
    check(ds.published, 'published');
    check(ds.universes, 'universes');
    ds.units.forEach((u, i) => {
      if (u.parent !== null && !codes.has(u.parent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['units', i, 'parent'],
          message: `expected a parent listed in "units" (or null), found ${u.parent}`,
        });
      }
    });
  }
  ds.published.forEach((p, i) => {
    if (!ids.has(p.indicator)) {
      ctx.addIssue({
        code: 'custom',
        path: ['published', i, 'indicator'],
        message: `expected one of ${known}, found "${p.indicator}"`,
      });
    }
  });
});
/** @see {@link Dataset} @example `const years = (d: Dataset) => d.years;` */
export type Dataset = z.infer<typeof Dataset>;
/** Input shape of {@link Dataset} (defaults not yet applied). @example `const raw: DatasetInput = JSON.parse(text);` */
export type DatasetInput = z.input<typeof Dataset>;

/**
 * Another name for {@link Dataset}: a plan is what a province publishes; the dataset is its data.
 *
 * @example
 * ```ts
 * const plan = Plan.parse(raw);
 * ```
 */
export const Plan = Dataset;
/** @see {@link Plan} @example `const p: Plan = getDataset('gia-lai-2024');` */
export type Plan = Dataset;

/**
 * Status of an observation, after SDMX `OBS_STATUS`: `normal` (A), `estimated` (E),
 * `provisional` (P), `missing` (M).
 *
 * @example
 * ```ts
 * ObservationStatus.parse('provisional');
 * ```
 */
export const ObservationStatus = z.enum(['normal', 'estimated', 'provisional', 'missing']);
/** @see {@link ObservationStatus} @example `const s: ObservationStatus = 'normal';` */
export type ObservationStatus = z.infer<typeof ObservationStatus>;

/**
 * What was actually achieved (*thực hiện*) for one indicator, unit and year. `value` is `null`
 * exactly when `status` is `missing`. For `rate` indicators the value is the numerator count.
 *
 * @example
 * ```ts
 * Actual.parse({ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 13, status: 'normal' });
 * ```
 */
export const Actual = z
  .strictObject({
    indicator: IndicatorId,
    unitCode: UnitCode,
    year: Year,
    value: ObservationValue,
    status: ObservationStatus.default('normal'),
    note: z.string().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.value === null && a.status !== 'missing') {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: `expected status "missing" for a null value, found "${a.status}"`,
      });
    }
    if (a.value !== null && a.status === 'missing') {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `expected null for status "missing", found ${a.value}`,
      });
    }
  });
/** @see {@link Actual} @example `const a: Actual = { indicator: 'ward_board', unitCode: '622', year: 2024, value: 14, status: 'normal' };` */
export type Actual = z.infer<typeof Actual>;
/** Input shape of {@link Actual} (status defaults to `normal`). @example `const a: ActualInput = { indicator: 'ward_board', unitCode: '622', year: 2024, value: 14 };` */
export type ActualInput = z.input<typeof Actual>;

/**
 * What `validateDataset` can find.
 *
 * - `total_mismatch`: a printed total differs from the sum of its unit rows;
 * - `rate_mismatch`: a printed rate differs from the recomputed rate by more than half a unit of
 *   its last printed digit;
 * - `universe_mismatch`: a printed universe differs from the unit registry at the snapshot;
 * - `breakdown_sum`: printed universes do not add up (units of a province, or wards + communes);
 * - `count_exceeds_universe`: a count is larger than the number of units it counts among;
 * - `decreasing`: a target falls from one year to the next where the plan implies growth;
 * - `missing`: a figure the plan should state is blank or "-".
 *
 * @example
 * ```ts
 * FindingKind.parse('rate_mismatch');
 * ```
 */
export const FindingKind = z.enum([
  'total_mismatch',
  'rate_mismatch',
  'universe_mismatch',
  'breakdown_sum',
  'count_exceeds_universe',
  'decreasing',
  'missing',
]);
/** @see {@link FindingKind} @example `const k: FindingKind = 'missing';` */
export type FindingKind = z.infer<typeof FindingKind>;

/**
 * One discrepancy found by validation. `published` is the printed number, `computed` ours,
 * `difference` = computed − published (`null` when one side is missing). `severity` is `error` for
 * arithmetic that does not agree and `warning` for things a reader should look at.
 *
 * @example
 * ```ts
 * const f: Finding = {
 *   kind: 'rate_mismatch', severity: 'error', indicator: 'commune_board', unitCode: '64', year: 2023,
 *   ref: 'I.1.6', published: 7, computed: 6.6, difference: -0.4, message: '…',
 * };
 * ```
 */
export const Finding = z.strictObject({
  kind: FindingKind,
  severity: z.enum(['error', 'warning']),
  indicator: IndicatorId,
  unitCode: UnitCode.optional(),
  year: Year.optional(),
  ref: z.string().optional(),
  published: z.number().nullable(),
  computed: z.number().nullable(),
  difference: z.number().nullable(),
  message: z.string(),
});
/** @see {@link Finding} @example `const errors = (fs: Finding[]) => fs.filter((f) => f.severity === 'error');` */
export type Finding = z.infer<typeof Finding>;

/**
 * The neutral long-format row used for import and export (CSV, XLSX, JSON) and charts: one value
 * of one indicator for one unit and year. `status` is only meaningful for actuals.
 *
 * @example
 * ```ts
 * const row: TidyRow = { indicator: 'commune_radio', unitCode: '622', unitName: 'Thành phố Pleiku', year: 2024, value: 12 };
 * ```
 */
export const TidyRow = z.strictObject({
  indicator: IndicatorId,
  unitCode: UnitCode,
  unitName: z.string(),
  year: Year,
  value: ObservationValue,
  status: ObservationStatus.optional(),
  note: z.string().optional(),
});
/** @see {@link TidyRow} @example `const rows: TidyRow[] = [];` */
export type TidyRow = z.infer<typeof TidyRow>;

/**
 * Progress status of one (indicator, unit, year): `achieved` (actual ≥ target), `behind`
 * (actual < target), `no_target` (target missing), `no_actual` (actual missing).
 *
 * @example
 * ```ts
 * ProgressStatus.parse('behind');
 * ```
 */
export const ProgressStatus = z.enum(['achieved', 'behind', 'no_target', 'no_actual']);
/** @see {@link ProgressStatus} @example `const s: ProgressStatus = 'achieved';` */
export type ProgressStatus = z.infer<typeof ProgressStatus>;

/**
 * One row of `progress`: target and actual values (numerator counts for rate indicators),
 * their rates when the indicator has a denominator, and achievement = actual ÷ target × 100.
 *
 * @example
 * ```ts
 * const row: ProgressRow = {
 *   indicator: 'commune_radio', unitCode: '622', unitName: 'Thành phố Pleiku', year: 2024,
 *   target: 12, actual: 12, targetRate: 54.5, actualRate: 54.5, achievement: 100,
 *   status: 'achieved', actualStatus: 'normal',
 * };
 * ```
 */
export const ProgressRow = z.strictObject({
  indicator: IndicatorId,
  unitCode: UnitCode,
  unitName: z.string(),
  year: Year,
  target: z.number().nullable(),
  actual: z.number().nullable(),
  targetRate: z.number().nullable(),
  actualRate: z.number().nullable(),
  achievement: z.number().nullable(),
  status: ProgressStatus,
  actualStatus: ObservationStatus.nullable(),
});
/** @see {@link ProgressRow} @example `const behind = (rows: ProgressRow[]) => rows.filter((r) => r.status === 'behind');` */
export type ProgressRow = z.infer<typeof ProgressRow>;

/**
 * Turns the issues of a zod error into {@link InputIssue}s with dotted paths, optionally under a
 * prefix (e.g. a file name).
 *
 * @example
 * ```ts
 * const r = Target.safeParse({});
 * if (!r.success) toInputIssues(r.error, 'plan.json'); // [{ path: 'plan.json.indicator', … }, …]
 * ```
 */
export function toInputIssues(error: z.ZodError, prefix = ''): InputIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return { path, message: issue.message };
  });
}

function describeIssues(issues: readonly InputIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `  at ${i.path === '' ? '(root)' : i.path}: ${i.message}`);
  const more = issues.length > 5 ? [`  … and ${issues.length - 5} more`] : [];
  return [...shown, ...more].join('\n');
}

/**
 * Validates and normalises a dataset (a plan). Throws an {@link IndicatorsError} with code
 * `invalid_dataset` whose `issues` give the path of every problem (e.g. `targets.12.value`).
 *
 * This checks structure only; use `validateDataset` to check the arithmetic.
 *
 * @example
 * ```ts
 * const plan = parseDataset(JSON.parse(await readFile('plan.json', 'utf8')));
 * ```
 */
export function parseDataset(input: unknown): Dataset {
  const result = Dataset.safeParse(input);
  if (!result.success) {
    const issues = toInputIssues(result.error);
    throw new IndicatorsError(
      'invalid_dataset',
      `Invalid dataset (${issues.length} problem(s)):\n${describeIssues(issues)}`,
      {
        cause: result.error,
        issues,
      },
    );
  }
  return result.data;
}

/**
 * Validates a list of actuals. Throws an {@link IndicatorsError} with code `invalid_actuals`
 * whose `issues` give paths such as `3.value`.
 *
 * @example
 * ```ts
 * const actuals = parseActuals([{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 13 }]);
 * ```
 */
export function parseActuals(input: unknown): Actual[] {
  const result = z.array(Actual).safeParse(input);
  if (!result.success) {
    const issues = toInputIssues(result.error);
    throw new IndicatorsError(
      'invalid_actuals',
      `Invalid actuals (${issues.length} problem(s)):\n${describeIssues(issues)}`,
      {
        cause: result.error,
        issues,
      },
    );
  }
  return result.data;
}

/**
 * Fills in the default status of actuals written by hand: `normal`, or `missing` for a `null` value.
 * Does not validate; use `parseActuals` for input from outside.
 *
 * @example
 * ```ts
 * withStatus([{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: null }])[0]?.status; // 'missing'
 * ```
 */
export function withStatus(actuals: readonly ActualInput[]): Actual[] {
  return actuals.map((a) =>
    a.status === undefined ? { ...a, status: a.value === null ? 'missing' : 'normal' } : (a as Actual),
  );
}
