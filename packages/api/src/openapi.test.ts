import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderReadme } from './markdown';
import { openApiDocument } from './openapi';
import { ROUTE_LIST } from './routes';

const root = new URL('../', import.meta.url);
const doc = openApiDocument();
// biome-ignore lint/suspicious/noExplicitAny: the test walks a generated JSON document
type Json = Record<string, any>;
const paths = doc.paths as Json;
const components = doc.components as Json;

function* walk(value: unknown, at: string): Generator<[string, Json]> {
  if (value === null || typeof value !== 'object') return;
  yield [at, value as Json];
  for (const [k, v] of Object.entries(value)) yield* walk(v, `${at}/${k}`);
}

function examples(): { where: string; ref: string; example: unknown }[] {
  const out: { where: string; ref: string; example: unknown }[] = [];
  for (const [where, node] of walk(doc, '#')) {
    if ('example' in node && node.schema && typeof node.schema.$ref === 'string') {
      out.push({ where, ref: node.schema.$ref, example: node.example });
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is the committed openapi.json (run `npm run generate -w @nguon/api` after a change)', () => {
    const committed = JSON.parse(readFileSync(new URL('openapi.json', root), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('is valid OpenAPI 3.1 for the official schema, and the validator catches a broken one', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();

    const broken = structuredClone(doc) as Json;
    broken.paths['/v1/tokens'].post.responses = { '201': { content: {} } };
    broken.paths['/v1/tokens'].post.security = 'bearer';
    const bad = await new Validator().validate(broken);
    expect(bad.valid).toBe(false);
  });

  it('has every route with its operationId, method and roles', () => {
    for (const r of ROUTE_LIST) {
      const op = paths[r.path]?.[r.method.toLowerCase()];
      expect(op?.operationId, `${r.method} ${r.path}`).toBe(r.operationId);
      if (r.auth.kind === 'public') expect(op.security).toEqual([]);
      else {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op['x-nguon-auth'].roles).toEqual([...r.auth.roles]);
      }
    }
    expect(components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('answers errors as application/problem+json with the Problem schema', () => {
    for (const [name, response] of Object.entries(components.responses as Json)) {
      expect(name).toMatch(/^Problem\d{3}$/);
      expect(response.content['application/problem+json'].schema).toEqual({
        $ref: '#/components/schemas/Problem',
      });
    }
    expect(paths['/v1/bulletins/{id}/approve'].post.responses['409']).toEqual({
      $ref: '#/components/responses/Problem409',
    });
  });

  it('describes the non-JSON bodies: media upload, CAP XML, Atom, Prometheus text', () => {
    expect(Object.keys(paths['/v1/media'].post.requestBody.content)).toEqual([
      'audio/*',
      'image/*',
      'video/*',
    ]);
    const media = paths['/v1/media/{sha256}'].get.responses;
    expect(media['206'].headers).toHaveProperty('Content-Range');
    expect(media['416']).toEqual({ $ref: '#/components/responses/Problem416' });
    expect(components.responses.Problem416.headers).toHaveProperty('Content-Range');
    expect(components.responses.Problem416.content['application/problem+json'].example).toMatchObject({
      status: 416,
      code: 'range_not_satisfiable',
    });
    expect(paths['/v1/feeds/embed.js'].get.responses['200'].content).toHaveProperty('text/javascript');
    expect(paths['/v1/feeds/embed.js'].get.security).toEqual([]);
    expect(components.responses.Problem501.content['application/problem+json'].example).toMatchObject({
      status: 501,
      code: 'not_implemented',
    });
    expect(paths['/v1/cap'].post.requestBody.content['application/cap+xml'].schema).toEqual({
      type: 'string',
    });
    expect(paths['/v1/bulletins/{id}/cap'].get.responses['200'].content).toHaveProperty(
      'application/cap+xml',
    );
    expect(paths['/v1/feeds/{unitCode}.atom'].get.responses['200'].content).toHaveProperty(
      'application/atom+xml',
    );
    expect(paths['/v1/feeds/{unitCode}.json'].get.responses['200'].content).toHaveProperty(
      'application/feed+json',
    );
    expect(paths['/metrics'].get.responses['200'].content).toHaveProperty(['text/plain; version=0.0.4']);
  });

  it('declares cursor pagination on every list', () => {
    for (const r of ROUTE_LIST.filter((r) => r.operationId.startsWith('list'))) {
      const names = (paths[r.path].get.parameters as Json[]).map((p) => p.name);
      expect(names, r.operationId).toEqual(expect.arrayContaining(['cursor', 'limit']));
      const ref = paths[r.path].get.responses['200'].content['application/json'].schema.$ref as string;
      const page = components.schemas[ref.split('/').at(-1) as string];
      expect(page.required).toEqual(['items', 'nextCursor']);
    }
  });

  it('resolves every $ref', () => {
    for (const [where, node] of walk(doc, '#')) {
      if (typeof node.$ref !== 'string') continue;
      const target = (node.$ref as string)
        .slice(2)
        .split('/')
        .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], doc);
      expect(target, `${where} → ${node.$ref}`).toBeDefined();
    }
  });

  it('has component schemas that are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const [name, schema] of Object.entries(components.schemas as Json)) {
      expect(ajv.validateSchema(schema), `${name}: ${JSON.stringify(ajv.errors)}`).toBe(true);
    }
    expect(ajv.validateSchema({ type: 'strin' })).toBe(false);
  });

  it('has examples that validate against their schemas with ajv', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addFormat('ulid', /^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}$/);
    ajv.addSchema({ $id: 'urn:nguon:api:openapi', components: { schemas: components.schemas } });
    const all = examples();
    expect(all.length).toBeGreaterThanOrEqual(25);
    for (const { where, ref, example } of all) {
      const validate = ajv.getSchema(`urn:nguon:api:openapi${ref}`);
      expect(validate, ref).toBeDefined();
      const ok = validate?.(example);
      expect(ok, `${where}: ${JSON.stringify(validate?.errors)}`).toBe(true);
    }
    // The check can fail: a wrong example is rejected.
    const bulletin = ajv.getSchema('urn:nguon:api:openapi#/components/schemas/Bulletin');
    expect(bulletin?.({ id: 'x' })).toBe(false);
  });

  it('keeps the route table and the authorisation matrix in the README up to date', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    for (const block of ['routes', 'authz', 'workflow']) expect(readme).toContain(`<!-- ${block}:start -->`);
    expect(renderReadme(readme)).toBe(readme);
  });
});
