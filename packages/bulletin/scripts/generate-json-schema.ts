// Writes schema/<name>.json from the zod schemas. Run `npm run generate -w @nguon/bulletin` after a
// schema change; a test fails while the committed files differ from a fresh generation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { bulletinJsonSchemas } from '../src/json-schema';

const dir = new URL('../schema/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(bulletinJsonSchemas())) {
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`schema/${name}.json`);
}
