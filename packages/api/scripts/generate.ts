// Writes openapi.json and the generated parts of README.md from the route table. Run
// `npm run generate -w @nguon/api` after changing a route or schema; a test fails while the
// committed files differ from a fresh generation.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadme } from '../src/markdown';
import { openApiDocument } from '../src/openapi';

const root = new URL('../', import.meta.url);
writeFileSync(new URL('openapi.json', root), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log('openapi.json');
const readme = new URL('README.md', root);
writeFileSync(readme, renderReadme(readFileSync(readme, 'utf8')));
console.log('README.md');
