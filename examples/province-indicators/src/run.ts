import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadUnits } from '@nguon/areas';
import { type Dataset, type Finding, validateDataset } from '@nguon/indicators';
import { readDatasetXlsx, renderReport, writeDatasetXlsx } from '@nguon/indicators/node';
import { buildSyntheticPlan } from './synthetic-plan';

/** File names the example writes, all marked SYNTHETIC. */
export const FILES = {
  plan: 'SYNTHETIC-kon-tum-plan.xlsx',
  reportVi: 'SYNTHETIC-kon-tum-bao-cao.html',
  reportEn: 'SYNTHETIC-kon-tum-report.html',
} as const;

/** Step 1: the province writes its plan as an XLSX workbook (officers then edit it in Excel). */
export async function writePlan(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, FILES.plan);
  await writeFile(path, await writeDatasetXlsx(buildSyntheticPlan()));
  return path;
}

/** Step 2: read the (possibly edited) workbook back, validate it and write the reports. */
export async function checkAndReport(outDir: string): Promise<{ dataset: Dataset; findings: Finding[] }> {
  const file = join(outDir, FILES.plan);
  const dataset = await readDatasetXlsx(await readFile(file), { source: FILES.plan });
  const findings = validateDataset(dataset, { registry: loadUnits() });
  await writeFile(join(outDir, FILES.reportVi), renderReport(dataset, { findings, lang: 'vi' }));
  await writeFile(join(outDir, FILES.reportEn), renderReport(dataset, { findings, lang: 'en' }));
  return { dataset, findings };
}
