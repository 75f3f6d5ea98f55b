import * as echarts from 'echarts';

/**
 * One named series of a chart; `null` is a gap (missing), never 0.
 *
 * @example
 * ```ts
 * const s: ChartSeries = { name: 'Truyền thanh', values: [85, 86, null] };
 * ```
 */
export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

const FONT = 'Noto Sans, DejaVu Sans, Arial, sans-serif';
const PALETTE = [
  '#1b6ca8',
  '#d1495b',
  '#edae49',
  '#00798c',
  '#66a182',
  '#8d6a9f',
  '#2e4057',
  '#c97b84',
  '#7a9e7e',
];

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function render(option: echarts.EChartsCoreOption, width: number, height: number, label: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: FONT }, ...option });
    // An accessible name, so screen readers announce the chart.
    return chart
      .renderToSVGString()
      .replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(label)}" `);
  } finally {
    chart.dispose();
  }
}

/**
 * A line chart of values by year (e.g. province target rates), rendered on the server as an SVG
 * string with ECharts. Percent axis when `percent` is true.
 *
 * @example
 * ```ts
 * const svg = lineChartSvg(['2021', '2022'], [{ name: 'Truyền thanh', values: [85, 86] }], { percent: true });
 * ```
 */
export function lineChartSvg(
  categories: readonly string[],
  series: readonly ChartSeries[],
  options: { width?: number; height?: number; percent?: boolean; title?: string; label?: string } = {},
): string {
  const width = options.width ?? 680;
  const height = options.height ?? 340;
  return render(
    {
      title: options.title ? { text: options.title, textStyle: { fontSize: 13 } } : undefined,
      legend: { type: 'plain', bottom: 0, textStyle: { fontSize: 10 } },
      grid: {
        left: 48,
        right: 16,
        top: options.title ? 36 : 16,
        bottom: 24 + 18 * Math.ceil(series.length / 3),
      },
      xAxis: { type: 'category', data: [...categories], boundaryGap: false },
      yAxis: {
        type: 'value',
        ...(options.percent ? { max: 100, axisLabel: { formatter: '{value}%' } } : {}),
      },
      series: series.map((s) => ({
        type: 'line',
        name: s.name,
        data: s.values.map((v) => (v === null ? '-' : v)),
        connectNulls: false,
        symbolSize: 6,
      })),
    },
    width,
    height,
    options.label ?? options.title ?? series.map((x) => x.name).join(', '),
  );
}

/**
 * A horizontal bar chart, one bar group per category (e.g. per district), rendered as an SVG
 * string. The height grows with the number of categories so that every label stays readable.
 *
 * @example
 * ```ts
 * const svg = barChartSvg(['Pleiku', 'An Khê'], [{ name: 'Chỉ tiêu', values: [12, 11] }]);
 * ```
 */
export function barChartSvg(
  categories: readonly string[],
  series: readonly ChartSeries[],
  options: { width?: number; percent?: boolean; title?: string; label?: string } = {},
): string {
  const width = options.width ?? 680;
  const rowHeight = Math.max(14, 8 * series.length + 6);
  const height = Math.max(160, 70 + categories.length * rowHeight);
  return render(
    {
      title: options.title ? { text: options.title, textStyle: { fontSize: 12 }, left: 0 } : undefined,
      legend: { bottom: 0, textStyle: { fontSize: 10 } },
      grid: { left: 150, right: 40, top: options.title ? 32 : 10, bottom: 40 },
      yAxis: { type: 'category', data: [...categories], inverse: true, axisLabel: { fontSize: 10 } },
      xAxis: {
        type: 'value',
        ...(options.percent ? { axisLabel: { formatter: '{value}%' } } : {}),
      },
      series: series.map((s) => ({
        type: 'bar',
        name: s.name,
        data: s.values.map((v) => (v === null ? '-' : v)),
        barMaxWidth: 10,
        label: { show: categories.length <= 40, position: 'right', fontSize: 8 },
      })),
    },
    width,
    height,
    options.label ?? options.title ?? series.map((x) => x.name).join(', '),
  );
}
