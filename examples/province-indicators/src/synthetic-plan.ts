import { loadUnits } from '@nguon/areas';
import {
  type Dataset,
  getDataset,
  type PublishedFigure,
  parseDataset,
  type Target,
  type Universe,
} from '@nguon/indicators';

/** Province whose unit codes the SYNTHETIC plan uses (Kon Tum, 10 districts at 2024-09-01). */
export const PROVINCE = '62';
/** The date of the unit set the plan counts. */
export const SNAPSHOT = '2024-09-01';
const YEARS = [2024, 2025, 2026];

/**
 * The one figure this SYNTHETIC plan prints wrong on purpose, so that validation has something to
 * find: the 2025 radio rate is printed as 85% while the plan's own count (81 of 102 communes) is
 * 79.4%.
 */
export const DELIBERATE_MISTAKE = { indicator: 'commune_radio', year: 2025, printedRate: 85 } as const;

/**
 * Builds a SYNTHETIC plan for a province that is not in the SDK: real unit codes and commune counts
 * from `@nguon/areas`, invented targets. Nothing in it is an official figure.
 */
export function buildSyntheticPlan(): Dataset {
  const registry = loadUnits();
  const province = registry.get(PROVINCE, SNAPSHOT);
  if (!province) throw new Error(`unit ${PROVINCE} is not in the registry at ${SNAPSHOT}`);
  const districts = registry.unitsAt(SNAPSHOT, { level: 'district', parent: PROVINCE });
  const communes = (code: string) => registry.descendants(code, SNAPSHOT, { level: 'commune' }).length;

  // Reuse two indicator definitions of the Gia Lai plan; a province may also write its own.
  const definitions = getDataset('gia-lai-2024').indicators.filter((d) =>
    ['commune_radio', 'district_large_board'].includes(d.id),
  );

  const targets: Target[] = [];
  const published: PublishedFigure[] = [];
  const universes: Universe[] = [];
  const total = communes(PROVINCE);
  universes.push({
    scope: 'commune_level',
    unitCode: PROVINCE,
    value: total,
    ref: 'II.I.1',
    printed: `Số xã, phường, thị trấn: ${total}`,
    basis: 'printed',
  });
  districts.forEach((d, i) => {
    const n = communes(d.code);
    universes.push({
      scope: 'commune_level',
      unitCode: d.code,
      value: n,
      ref: `II.I.1.${i + 1}`,
      printed: String(n),
      basis: 'printed',
    });
  });

  for (const year of YEARS) {
    const share = { 2024: 0.6, 2025: 0.75, 2026: 1 }[year] ?? 1;
    let radioSum = 0;
    let boardSum = 0;
    districts.forEach((d, i) => {
      const radio = Math.min(communes(d.code), Math.ceil(communes(d.code) * share));
      const board = year === 2024 ? (i === 0 ? 1 : 0) : 1;
      radioSum += radio;
      boardSum += board;
      targets.push({ indicator: 'commune_radio', unitCode: d.code, year, value: radio, basis: 'printed' });
      targets.push({
        indicator: 'district_large_board',
        unitCode: d.code,
        year,
        value: board,
        basis: 'printed',
      });
      published.push(
        figure('II', `II.I.1.${i + 1}`, 'commune_radio', d.code, year, radio, null, String(radio)),
      );
      published.push(
        figure('II', `II.II.${i + 1}`, 'district_large_board', d.code, year, board, null, String(board)),
      );
    });
    targets.push({ indicator: 'commune_radio', unitCode: PROVINCE, year, value: radioSum, basis: 'printed' });
    targets.push({
      indicator: 'district_large_board',
      unitCode: PROVINCE,
      year,
      value: boardSum,
      basis: 'printed',
    });
    const radioRate = round1((radioSum / total) * 100);
    const boardRate = round1((boardSum / districts.length) * 100);
    const printedRate = year === DELIBERATE_MISTAKE.year ? DELIBERATE_MISTAKE.printedRate : radioRate;
    const radioPrinted = `${radioSum} (${vi(printedRate)}%)`;
    published.push(
      figure('I', 'I.1.1', 'commune_radio', PROVINCE, year, null, printedRate, `${vi(printedRate)}%`),
    );
    published.push(
      figure('II', 'II.I.1', 'commune_radio', PROVINCE, year, radioSum, printedRate, radioPrinted),
    );
    published.push(
      figure('I', 'I.2.2', 'district_large_board', PROVINCE, year, null, boardRate, `${vi(boardRate)}%`),
    );
    published.push(
      figure(
        'II',
        'II.II',
        'district_large_board',
        PROVINCE,
        year,
        boardSum,
        boardRate,
        `${boardSum} (${vi(boardRate)}%)`,
      ),
    );
  }

  return parseDataset({
    id: 'synthetic-kon-tum-2024',
    title: {
      vi: 'SYNTHETIC — Chỉ tiêu thông tin cơ sở 2024–2026 (dữ liệu giả lập, không phải số liệu chính thức)',
      en: 'SYNTHETIC — grassroots information targets 2024–2026 (made-up data, not official figures)',
    },
    issuer: { vi: `SYNTHETIC — ${province.name}`, en: `SYNTHETIC — ${province.nameEn}` },
    document: { number: 'SYNTHETIC/KH', date: '2024-06-01' },
    province: PROVINCE,
    unitSnapshot: SNAPSHOT,
    years: YEARS,
    units: [
      { code: PROVINCE, name: province.name, printedName: province.name, level: 'province', parent: null },
      ...districts.map((d) => ({
        code: d.code,
        name: d.name,
        printedName: d.name,
        level: 'district' as const,
        parent: PROVINCE,
      })),
    ],
    indicators: definitions,
    targets,
    published,
    universes,
    sources: [
      {
        title: 'SYNTHETIC example plan generated by examples/province-indicators',
        note: 'Unit codes and counts from @nguon/areas; every target is invented.',
      },
    ],
    notes: ['SYNTHETIC: made-up targets for a demonstration; do not cite.'],
  });
}

function figure(
  table: string,
  ref: string,
  indicator: string,
  unitCode: string,
  year: number,
  count: number | null,
  rate: number | null,
  printed: string,
): PublishedFigure {
  return { table, ref, indicator, unitCode, year, count, rate, printed };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const vi = (x: number) => String(x).replace('.', ',');
