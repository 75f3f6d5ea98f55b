import { join } from 'node:path';
import { checkAndReport, FILES, writePlan } from './run';

const outDir = join(process.cwd(), 'output');
const plan = await writePlan(outDir);
console.log(`wrote ${plan}`);
const { dataset, findings } = await checkAndReport(outDir);
console.log(`read ${dataset.id}: ${dataset.targets.length} targets, ${findings.length} finding(s)`);
for (const f of findings)
  console.log(`  ${f.severity} ${f.kind} ${f.indicator} ${f.unitCode ?? ''} ${f.year ?? ''}: ${f.message}`);
console.log(`wrote ${join(outDir, FILES.reportVi)} and ${FILES.reportEn}`);
