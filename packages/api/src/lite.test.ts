import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROUTE_INDEX } from './generated/route-index';
import * as lite from './lite';
import { ROUTES, routeIndexOf } from './routes';

describe('@nguon/api/lite', () => {
  it('holds the route index of the current route table (run `npm run generate -w @nguon/api` after a change)', () => {
    expect(Object.keys(ROUTE_INDEX)).toEqual(Object.keys(ROUTES));
    for (const [op, route] of Object.entries(ROUTES)) {
      expect(ROUTE_INDEX[op as keyof typeof ROUTE_INDEX], op).toEqual(routeIndexOf(route));
    }
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
