import { computeRate, denominatorOf } from '../compute';
import { formatViNumber } from '../io/printed';
import { unitLabel } from '../io/tidy';
import type { Actual, Dataset, Finding, ProgressRow } from '../model';
import { progress } from '../progress';
import type { UnitRegistryLike } from '../registry';
import { validateDataset } from '../validate';
import { barChartSvg, lineChartSvg } from './charts';

/**
 * Language of a report: Vietnamese (default) or English.
 *
 * @example
 * ```ts
 * const lang: ReportLanguage = 'en';
 * ```
 */
export type ReportLanguage = 'vi' | 'en';

/**
 * Options of {@link renderReport}.
 *
 * @example
 * ```ts
 * const options: ReportOptions = { lang: 'en', actuals, year: 2024 };
 * ```
 */
export interface ReportOptions {
  /** Language of the text around the figures; default `vi`. */
  lang?: ReportLanguage;
  /** Findings to list; default `validateDataset(dataset)`. */
  findings?: readonly Finding[];
  /** Actuals: when given, the district section compares them with the targets of `year`. */
  actuals?: readonly Actual[];
  /** Year of the district section; default the year of the plan's document if it is a plan year, else the last year. */
  year?: number;
  /** Time printed in the footer; default now. Pass a fixed value for reproducible output. */
  generatedAt?: Date;
  /**
   * Unit registry (`loadUnits()` from `@nguon/areas`), passed to `progress()`: needed when actuals are
   * recorded on communes, to add them up per district.
   */
  registry?: UnitRegistryLike;
}

const TEXT = {
  vi: {
    report: 'Báo cáo chỉ tiêu thông tin cơ sở',
    document: 'Văn bản',
    issuer: 'Cơ quan ban hành',
    snapshot: 'Danh mục đơn vị hành chính tại ngày',
    summary: 'Tóm tắt',
    indicators: 'chỉ tiêu',
    units: 'đơn vị',
    errors: 'sai lệch',
    warnings: 'lưu ý',
    provinceTitle: '1. Chỉ tiêu của tỉnh theo năm',
    provinceChart: 'Tỷ lệ (%) theo kế hoạch, tính từ số đơn vị',
    indicator: 'Chỉ tiêu',
    year: 'Năm',
    districtTitle: (y: number) => `2. Tiến độ theo địa phương, năm ${y}`,
    districtNoActuals:
      'Chưa có số thực hiện: biểu đồ cho thấy chỉ tiêu của từng địa phương (tỷ lệ % số đơn vị).',
    districtWithActuals: 'Thực hiện so với chỉ tiêu (mức đạt = thực hiện ÷ chỉ tiêu × 100).',
    target: 'Chỉ tiêu',
    actual: 'Thực hiện',
    achievement: 'Mức đạt',
    targetRate: 'Tỷ lệ theo chỉ tiêu (%)',
    unit: 'Đơn vị',
    findingsTitle: '3. Kết quả kiểm tra số liệu',
    noFindings: 'Không phát hiện sai lệch: mọi tổng số và tỷ lệ khớp với số in trong văn bản.',
    kind: 'Loại',
    published: 'Số in',
    computed: 'Số tính lại',
    difference: 'Chênh lệch',
    message: 'Mô tả',
    missing: '—',
    sources: 'Nguồn',
    generated: 'Lập lúc',
    status: {
      achieved: 'đạt',
      behind: 'chưa đạt',
      no_target: 'không có chỉ tiêu',
      no_actual: 'chưa có số liệu',
    },
    kinds: {
      total_mismatch: 'Tổng không khớp',
      rate_mismatch: 'Tỷ lệ không khớp',
      universe_mismatch: 'Số đơn vị không khớp',
      breakdown_sum: 'Cộng không khớp',
      count_exceeds_universe: 'Vượt tổng số đơn vị',
      decreasing: 'Giảm so với năm trước',
      missing: 'Thiếu số liệu',
    },
  },
  en: {
    report: 'Grassroots information indicators report',
    document: 'Document',
    issuer: 'Issued by',
    snapshot: 'Administrative units as of',
    summary: 'Summary',
    indicators: 'indicators',
    units: 'units',
    errors: 'discrepancies',
    warnings: 'warnings',
    provinceTitle: '1. Province targets by year',
    provinceChart: 'Planned rate (%), computed from unit counts',
    indicator: 'Indicator',
    year: 'Year',
    districtTitle: (y: number) => `2. Progress by district, ${y}`,
    districtNoActuals: 'No actuals yet: the chart shows each district’s target (as % of its units).',
    districtWithActuals: 'Actual against target (achievement = actual ÷ target × 100).',
    target: 'Target',
    actual: 'Actual',
    achievement: 'Achievement',
    targetRate: 'Target rate (%)',
    unit: 'Unit',
    findingsTitle: '3. Validation findings',
    noFindings: 'No discrepancies: every total and rate agrees with the printed figures.',
    kind: 'Kind',
    published: 'Printed',
    computed: 'Recomputed',
    difference: 'Difference',
    message: 'Description',
    missing: '—',
    sources: 'Sources',
    generated: 'Generated',
    status: { achieved: 'achieved', behind: 'behind', no_target: 'no target', no_actual: 'no data' },
    kinds: {
      total_mismatch: 'Total mismatch',
      rate_mismatch: 'Rate mismatch',
      universe_mismatch: 'Universe mismatch',
      breakdown_sum: 'Breakdown does not add up',
      count_exceeds_universe: 'Count exceeds universe',
      decreasing: 'Decreasing target',
      missing: 'Missing figure',
    },
  },
} as const;

const CSS = `
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #1d1d1d; }
body { margin: 0 auto; max-width: 186mm; padding: 8px; }
h1 { font-size: 17pt; margin: 0 0 4px; }
h2 { font-size: 13pt; margin: 18px 0 6px; border-bottom: 1px solid #999; padding-bottom: 2px; }
h3 { font-size: 11pt; margin: 12px 0 4px; }
p.meta { margin: 0; color: #444; }
figure { margin: 6px 0 10px; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #555; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 8.5pt; table-layout: fixed; }
th, td { border: 1px solid #aaa; padding: 2px 4px; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
section.page { break-before: page; page-break-before: always; }
.bad { color: #a00; }
.ok { color: #060; }
footer { margin-top: 16px; font-size: 8.5pt; color: #555; }
@media screen { body { max-width: 200mm; } }
`;

function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function num(value: number | null | undefined, lang: ReportLanguage, decimals = 1): string {
  if (value === null || value === undefined) return TEXT[lang].missing;
  return lang === 'vi' ? formatViNumber(value, decimals) : String(Number(value.toFixed(decimals)));
}

function defaultYear(dataset: Dataset, actuals: readonly Actual[] | undefined): number {
  const years = [...dataset.years].sort((a, b) => a - b);
  if (actuals && actuals.length > 0) {
    const withActuals = years.filter((y) => actuals.some((a) => a.year === y));
    const last = withActuals[withActuals.length - 1];
    if (last !== undefined) return last;
  }
  const documentYear = Number(dataset.document.date.slice(0, 4));
  return years.includes(documentYear) ? documentYear : (years[years.length - 1] as number);
}

/**
 * Renders a self-contained HTML report of a plan: province targets by year (chart and table),
 * progress per district for one year (against actuals when given, else the planned coverage), and
 * the validation findings. Charts are inline SVG drawn on the server with ECharts; there are no
 * external assets or scripts, so the file can be e-mailed, archived or printed. The page prints on
 * A4 (`@page`), each section starting on a new page.
 *
 * @example
 * ```ts
 * import { renderReport } from '@nguon/indicators/node';
 * await writeFile('bao-cao.html', renderReport(getDataset('gia-lai-2024'), { lang: 'vi' }));
 * ```
 */
export function renderReport(dataset: Dataset, options: ReportOptions = {}): string {
  const lang = options.lang ?? 'vi';
  const t = TEXT[lang];
  const findings = options.findings ?? validateDataset(dataset);
  const years = [...dataset.years].sort((a, b) => a - b);
  const year = options.year ?? defaultYear(dataset, options.actuals);
  const name = (id: string) => dataset.indicators.find((d) => d.id === id)?.name[lang] ?? id;
  const generatedAt = options.generatedAt ?? new Date();
  // One index of the targets: the report looks up thousands of (indicator, unit, year) values.
  const index = new Map(dataset.targets.map((x) => [`${x.indicator}|${x.unitCode}|${x.year}`, x.value]));
  const targetValue = (_: Dataset, id: string, unit: string, y: number) =>
    index.get(`${id}|${unit}|${y}`) ?? null;
  const lookup = (id: string, unit: string, y: number) => index.get(`${id}|${unit}|${y}`) ?? null;
  const targetRate = (_: Dataset, id: string, unit: string, y: number) => {
    const def = dataset.indicators.find((d) => d.id === id);
    if (def?.kind !== 'rate') return null;
    return computeRate(
      lookup(id, unit, y),
      denominatorOf(dataset, def, unit, y, lookup),
      def.decimals,
      def.rounding,
    );
  };
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const province = dataset.province;
  // The units directly under the province (districts; provinces under a national plan). Deeper units
  // (communes) are summed into them by the plan and would make charts unreadable.
  const children = dataset.units.filter((u) => u.parent === province).map((u) => u.code);
  const districtCodes =
    children.length > 0
      ? children
      : [...new Set(dataset.targets.filter((x) => x.unitCode !== province).map((x) => x.unitCode))];
  const childSet = new Set(districtCodes);

  // 1. Province targets by year.
  const rateDefs = dataset.indicators.filter((d) => d.kind === 'rate');
  const rateSeries = rateDefs.map((d) => ({
    name: d.id,
    values: years.map((y) => targetRate(dataset, d.id, province, y)),
  }));
  const provinceChart = lineChartSvg(years.map(String), rateSeries, {
    percent: true,
    label: t.provinceChart,
  });
  const provinceRows = dataset.indicators
    .map((d) => {
      const cells = years
        .map((y) => {
          const count = targetValue(dataset, d.id, province, y);
          const rate = d.kind === 'rate' ? targetRate(dataset, d.id, province, y) : null;
          const body =
            d.kind === 'rate' && count !== null
              ? `${num(count, lang, 0)} (${num(rate, lang, d.decimals)}%)`
              : d.kind === 'boolean' && count !== null
                ? count > 0
                  ? '✓'
                  : '✗'
                : num(count, lang, d.decimals);
          return `<td class="num">${esc(body)}</td>`;
        })
        .join('');
      return `<tr><td><code>${esc(d.id)}</code><br>${esc(d.name[lang])}</td>${cells}</tr>`;
    })
    .join('\n');

  // 2. Progress per district.
  let districtSection: string;
  if (options.actuals && options.actuals.length > 0) {
    const rows: ProgressRow[] = progress(
      dataset,
      options.actuals,
      year,
      options.registry ? { registry: options.registry } : {},
    );
    const byIndicator = new Map<string, ProgressRow[]>();
    // Only indicators with at least one actual for the year: the others would be a page of "no data".
    const reported = new Set(options.actuals.filter((a) => a.year === year).map((a) => a.indicator));
    for (const r of rows) {
      if (!childSet.has(r.unitCode) || !reported.has(r.indicator)) continue;
      const list = byIndicator.get(r.indicator) ?? [];
      list.push(r);
      byIndicator.set(r.indicator, list);
    }
    const blocks = [...byIndicator.entries()]
      .map(([id, list]) => {
        const svg = barChartSvg(
          list.map((r) => unitLabel(dataset, r.unitCode)),
          [
            { name: t.target, values: list.map((r) => r.target) },
            { name: t.actual, values: list.map((r) => r.actual) },
          ],
          { label: name(id) },
        );
        const table = list
          .map(
            (r) =>
              `<tr><td>${esc(unitLabel(dataset, r.unitCode))}</td><td class="num">${num(r.target, lang, 0)}</td><td class="num">${num(r.actual, lang, 0)}</td><td class="num">${r.achievement === null ? t.missing : `${num(r.achievement, lang, 1)}%`}</td><td class="${r.status === 'behind' ? 'bad' : r.status === 'achieved' ? 'ok' : ''}">${esc(t.status[r.status])}</td></tr>`,
          )
          .join('');
        return `<h3>${esc(name(id))}</h3><figure>${svg}</figure><table><thead><tr><th>${t.unit}</th><th>${t.target}</th><th>${t.actual}</th><th>${t.achievement}</th><th></th></tr></thead><tbody>${table}</tbody></table>`;
      })
      .join('\n');
    districtSection = `<p>${esc(t.districtWithActuals)}</p>${blocks}`;
  } else {
    const districtDefs = dataset.indicators.filter((d) =>
      dataset.targets.some((x) => x.indicator === d.id && childSet.has(x.unitCode) && x.year === year),
    );
    const blocks = districtDefs
      .map((d) => {
        const values = districtCodes.map((code) =>
          d.kind === 'rate' ? targetRate(dataset, d.id, code, year) : targetValue(dataset, d.id, code, year),
        );
        const svg = barChartSvg(
          districtCodes.map((c) => unitLabel(dataset, c)),
          [{ name: d.kind === 'rate' ? t.targetRate : t.target, values }],
          { percent: d.kind === 'rate', label: d.name[lang] },
        );
        return `<h3>${esc(d.name[lang])}</h3><figure>${svg}<figcaption><code>${esc(d.id)}</code></figcaption></figure>`;
      })
      .join('\n');
    districtSection = `<p>${esc(t.districtNoActuals)}</p>${blocks}`;
  }

  // 3. Findings.
  const findingRows = findings
    .map(
      (f) =>
        `<tr class="${f.severity === 'error' ? 'bad' : ''}"><td>${esc(t.kinds[f.kind])}</td><td><code>${esc(f.indicator)}</code>${f.ref ? ` (${esc(f.ref)})` : ''}</td><td>${f.unitCode ? esc(unitLabel(dataset, f.unitCode)) : ''}</td><td class="num">${f.year ?? ''}</td><td class="num">${num(f.published, lang, 2)}</td><td class="num">${num(f.computed, lang, 2)}</td><td class="num">${num(f.difference, lang, 2)}</td><td>${esc(f.message)}</td></tr>`,
    )
    .join('\n');
  const findingsBody =
    findings.length === 0
      ? `<p class="ok">${esc(t.noFindings)}</p>`
      : `<table><colgroup><col style="width:13%"><col style="width:14%"><col style="width:11%"><col style="width:6%"><col style="width:8%"><col style="width:8%"><col style="width:8%"><col></colgroup><thead><tr><th>${t.kind}</th><th>${t.indicator}</th><th>${t.unit}</th><th>${t.year}</th><th>${t.published}</th><th>${t.computed}</th><th>${t.difference}</th><th>${t.message}</th></tr></thead><tbody>${findingRows}</tbody></table>`;

  const sources = dataset.sources
    .map((s) => esc(s.publisher ? `${s.title} — ${s.publisher}` : s.title))
    .join('; ');
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.report)} — ${esc(dataset.title[lang])}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(dataset.title[lang])}</h1>
<p class="meta">${esc(t.report)} · ${esc(t.document)}: ${esc(dataset.document.number)} (${esc(dataset.document.date)}) · ${esc(t.issuer)}: ${esc(dataset.issuer[lang])}</p>
<p class="meta">${esc(t.snapshot)} ${esc(dataset.unitSnapshot)}</p>
</header>
<p><strong>${esc(t.summary)}:</strong> ${dataset.indicators.length} ${esc(t.indicators)}, ${districtCodes.length + 1} ${esc(t.units)}, ${years[0]}–${years[years.length - 1]}; <span class="${errors > 0 ? 'bad' : 'ok'}">${errors} ${esc(t.errors)}</span>, ${warnings} ${esc(t.warnings)}.</p>
<section id="province">
<h2>${esc(t.provinceTitle)}</h2>
<figure>${provinceChart}<figcaption>${esc(t.provinceChart)}</figcaption></figure>
<table><colgroup><col style="width:40%">${years.map(() => '<col>').join('')}</colgroup><thead><tr><th>${t.indicator}</th>${years.map((y) => `<th>${y}</th>`).join('')}</tr></thead><tbody>
${provinceRows}
</tbody></table>
</section>
<section id="districts" class="page">
<h2>${esc(t.districtTitle(year))}</h2>
${districtSection}
</section>
<section id="findings" class="page">
<h2>${esc(t.findingsTitle)}</h2>
${findingsBody}
</section>
<footer>${sources ? `${esc(t.sources)}: ${sources}. ` : ''}${esc(t.generated)}: ${esc(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC · nguon</footer>
</body>
</html>
`;
}
