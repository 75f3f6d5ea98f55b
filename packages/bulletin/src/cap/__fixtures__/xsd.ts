import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const schema = readFileSync(join(__dirname, 'cap-1.2.xsd'), 'utf8');

/** Validates XML against the CAP 1.2 test schema with libxml2 (compiled to WebAssembly). Tests only. */
export async function validateAgainstCapXsd(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const result = await validateXML({
    xml: [{ fileName: 'alert.xml', contents: xml }],
    schema: [{ fileName: 'cap-1.2.xsd', contents: schema }],
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.message) };
}
