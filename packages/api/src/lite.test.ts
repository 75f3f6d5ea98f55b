import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROUTE_INDEX } from './generated/route-index';
import * as lite from './lite';
import { ROUTES, type RouteIndexEntry, type RouteSpec, routeIndexOf } from './routes';

describe('@nguon/api/lite', () => {
  it('holds the route index of the current route table (run `npm run generate -w @nguon/api` after a change)', () => {
    expect(Object.keys(ROUTE_INDEX)).toEqual(Object.keys(ROUTES));
    for (const [op, route] of Object.entries(ROUTES)) {
      expect(ROUTE_INDEX[op as keyof typeof ROUTE_INDEX], op).toEqual(routeIndexOf(route));
    }
  });

  it('says which routes take a query string, with its keys, and which answer a cursor page', () => {
    expect(ROUTE_INDEX.listBulletins.query).toEqual(
      expect.arrayContaining(['cursor', 'limit', 'status', 'unit']),
    );
    expect(ROUTE_INDEX.listBulletins.list).toBe(true);
    expect(ROUTE_INDEX.getPlanProgress.query).toEqual(['year', 'unit']);
    expect('list' in ROUTE_INDEX.getPlanProgress).toBe(false);
    expect('query' in ROUTE_INDEX.getBulletin || 'list' in ROUTE_INDEX.getBulletin).toBe(false);
    for (const [op, route] of Object.entries(ROUTES) as [string, RouteSpec][]) {
      const entry: RouteIndexEntry = ROUTE_INDEX[op as keyof typeof ROUTE_INDEX];
      expect(entry.query, op).toEqual(route.query ? Object.keys(route.query.shape) : undefined);
      // A route is a list exactly when its answer is a page: an empty page parses, a bare object does not.
      const schema = route.success.content?.schema;
      const page = schema?.safeParse({ items: [], nextCursor: null }).success ?? false;
      expect(entry.list ?? false, op).toBe(page && !(schema?.safeParse({}).success ?? false));
      // Every list pages with ?cursor= and ?limit=.
      if (entry.list) expect(entry.query, op).toEqual(expect.arrayContaining(['cursor', 'limit']));
    }
    const lists = Object.entries(ROUTE_INDEX)
      .filter(([, e]) => 'list' in e)
      .map(([op]) => op);
    expect(lists).toEqual(Object.keys(ROUTES).filter((op) => op.startsWith('list')));
  });

  it('builds paths, matches routes and checks roles without the schemas', () => {
    expect(lite.buildPath('getJsonFeed', { unitCode: '24065' })).toBe('/v1/feeds/24065.json');
    const m = lite.matchRoute('POST', '/v1/bulletins/01J/publish');
    expect(m.ok && m.route.request?.contentType).toEqual(['application/json']);
    expect(lite.isAllowed('createToken', 'editor')).toBe(false);
    expect(lite.problem('rate_limited').status).toBe(429);
  });

  it('bundles for a browser without zod or the other packages, under 8 KB gzip', async () => {
    const result = await build({
      absWorkingDir: new URL('..', import.meta.url).pathname,
      entryPoints: ['src/lite.ts'],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@nguon/source'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(3);
    expect(inputs.filter((file) => !file.startsWith('src/'))).toEqual([]);
    const gzip = gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array()).length;
    expect(gzip).toBeGreaterThan(1_000);
    expect(gzip).toBeLessThan(8 * 1024);
  });
});
