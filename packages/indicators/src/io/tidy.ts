import { IndicatorsError } from '../errors';
import type { Dataset, Target, TidyRow } from '../model';

/**
 * The name to show for a unit of a dataset: the name as the document prints it, else the
 * registry name, else the code itself.
 *
 * @example
 * ```ts
 * unitLabel(getDataset('gia-lai-2024'), '622'); // "Thành phố Pleiku"
 * ```
 */
export function unitLabel(dataset: Dataset, code: string): string {
  const unit = dataset.units.find((u) => u.code === code);
  return unit?.printedName ?? unit?.name ?? code;
}

/**
 * Flattens a dataset's targets into tidy rows, one per (indicator, unit, year), in the order of
 * the dataset's indicators, then the order units first appear, then year. The province total is a
 * row like any other with the province's code. Missing targets stay `null`, never 0.
 *
 * @example
 * ```ts
 * const rows = datasetToTidyRows(getDataset('gia-lai-2024'));
 * rows.find((r) => r.unitCode === '622' && r.year === 2024 && r.indicator === 'commune_radio')?.value; // 12
 * ```
 */
export function datasetToTidyRows(dataset: Dataset): TidyRow[] {
  const indicatorOrder = new Map(dataset.indicators.map((d, i) => [d.id, i]));
  const unitOrder = new Map<string, number>();
  for (const u of dataset.units) if (!unitOrder.has(u.code)) unitOrder.set(u.code, unitOrder.size);
  for (const t of dataset.targets) if (!unitOrder.has(t.unitCode)) unitOrder.set(t.unitCode, unitOrder.size);
  const rank = (code: string) => (code === dataset.province ? -1 : (unitOrder.get(code) ?? 0));
  return [...dataset.targets]
    .sort(
      (a, b) =>
        (indicatorOrder.get(a.indicator) ?? 0) - (indicatorOrder.get(b.indicator) ?? 0) ||
        rank(a.unitCode) - rank(b.unitCode) ||
        a.year - b.year,
    )
    .map((t) => {
      const row: TidyRow = {
        indicator: t.indicator,
        unitCode: t.unitCode,
        unitName: unitLabel(dataset, t.unitCode),
        year: t.year,
        value: t.value,
      };
      if (t.note !== undefined) row.note = t.note;
      return row;
    });
}

/**
 * Puts tidy rows back into a dataset: the rows replace the targets of `base` (its definitions,
 * printed figures and universes are kept). A target of `base` that the rows do not mention is kept
 * as it was; a row for an unknown indicator or year is an error naming the row.
 *
 * @example
 * ```ts
 * const edited = datasetFromTidyRows(parseTidyCsv(text), getDataset('gia-lai-2024'));
 * ```
 */
export function datasetFromTidyRows(
  rows: readonly TidyRow[],
  base: Dataset,
  options: { where?: (index: number) => string } = {},
): Dataset {
  const where = options.where ?? ((i: number) => `row ${i + 1}`);
  const ids = new Set(base.indicators.map((d) => d.id));
  const years = new Set(base.years);
  const units = new Set(base.units.map((u) => u.code));
  const targets = new Map<string, Target>();
  for (const t of base.targets) targets.set(`${t.indicator}|${t.unitCode}|${t.year}`, t);
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    if (!ids.has(row.indicator)) {
      throw new IndicatorsError(
        'file_format',
        `${where(i)}: expected an indicator of dataset "${base.id}" (${[...ids].join(', ')}), found "${row.indicator}"`,
      );
    }
    if (!years.has(row.year)) {
      throw new IndicatorsError(
        'file_format',
        `${where(i)}: expected a year of dataset "${base.id}" (${base.years.join(', ')}), found ${row.year}`,
      );
    }
    if (units.size > 0 && !units.has(row.unitCode)) {
      throw new IndicatorsError(
        'file_format',
        `${where(i)}: expected a unit code of dataset "${base.id}" (${[...units].join(', ')}), found ${row.unitCode}`,
      );
    }
    const key = `${row.indicator}|${row.unitCode}|${row.year}`;
    const before = seen.get(key);
    if (before !== undefined) {
      throw new IndicatorsError(
        'file_format',
        `${where(i)}: duplicate value for indicator "${row.indicator}", unit ${row.unitCode}, year ${row.year} (first given at ${where(before)})`,
      );
    }
    seen.set(key, i);
    const old = targets.get(key);
    const target: Target = {
      indicator: row.indicator,
      unitCode: row.unitCode,
      year: row.year,
      value: row.value,
      basis: old && old.value === row.value ? old.basis : 'printed',
    };
    const note = row.note ?? old?.note;
    if (note !== undefined) target.note = note;
    targets.set(key, target);
  });
  return { ...base, targets: [...targets.values()] };
}
