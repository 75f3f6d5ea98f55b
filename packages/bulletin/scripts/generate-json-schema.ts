// Writes schema/<name>.json from the zod schemas, and from schema/bulletin.json the standalone
// validator src/generated/bulletin-validator.js (with the output shaper bulletin-shaper.js). Run `npm run generate -w @nguon/bulletin` after a
// schema change; a test fails while the committed files differ from a fresh generation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { bulletinJsonSchemas } from '../src/json-schema';
import { bulletinShaperSource, bulletinShaperTypes } from './shaper-source';
import { bulletinValidatorSource, bulletinValidatorTypes } from './validator-source';

const dir = new URL('../schema/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(bulletinJsonSchemas())) {
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`schema/${name}.json`);
}
const generated = new URL('../src/generated/', import.meta.url);
mkdirSync(generated, { recursive: true });
writeFileSync(new URL('bulletin-validator.js', generated), bulletinValidatorSource());
writeFileSync(new URL('bulletin-validator.d.ts', generated), bulletinValidatorTypes);
writeFileSync(new URL('bulletin-shaper.js', generated), bulletinShaperSource());
writeFileSync(new URL('bulletin-shaper.d.ts', generated), bulletinShaperTypes);
console.log('src/generated/bulletin-validator.js, bulletin-shaper.js and their .d.ts');
