import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { buildPath, matchRoute } from './paths';
import { ProblemSchema } from './problem';
import { type OperationId, ROUTE_LIST, ROUTES } from './routes';

const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
const build = (op: OperationId, params: Record<string, string>) =>
  (buildPath as (op: OperationId, params?: Record<string, string>) => string)(op, params);

describe('buildPath', () => {
  it('fills and percent-encodes the parameters', () => {
    expect(buildPath('publishBulletin', { id: '01JDXF1A2B3C4D5E6F7G8H9J0K' })).toBe(
      '/v1/bulletins/01JDXF1A2B3C4D5E6F7G8H9J0K/publish',
    );
    expect(buildPath('getAtomFeed', { unitCode: '24065' })).toBe('/v1/feeds/24065.atom');
    expect(buildPath('getJsonFeed', { unitCode: 64 })).toBe('/v1/feeds/64.json');
    expect(buildPath('getBulletin', { id: 'a/b c' })).toBe('/v1/bulletins/a%2Fb%20c');
    expect(buildPath('getBulletin', { id: '..' })).toBe('/v1/bulletins/%2E%2E');
    expect(buildPath('listBulletins')).toBe('/v1/bulletins');
  });

  it('names the missing parameter', () => {
    const call = () => build('getDevice', {});
    expect(call).toThrow(ApiError);
    expect(call).toThrow(/path parameter "id" of \/v1\/devices\/\{id\}/);
    try {
      build('getDevice', { id: '' });
    } catch (error) {
      expect(ApiError.isInstance(error) && error.code).toBe('missing_param');
    }
  });

  it('rejects an unknown operation', () => {
    expect(() => build('nope' as OperationId, {})).toThrow(/unknown operationId "nope"/);
  });
});

describe('matchRoute', () => {
  it('finds every route from its own template filled with sample values', () => {
    for (const r of ROUTE_LIST) {
      const params = Object.fromEntries(paramNames(r.path).map((n) => [n, 'x1']));
      const m = matchRoute(r.method, build(r.operationId, params));
      expect(m.ok && m.operationId, `${r.method} ${r.path}`).toBe(r.operationId);
    }
  });

  it('returns the decoded parameters and ignores the query string', () => {
    const m = matchRoute('get', '/v1/feeds/24065.json?since=2026-11-01');
    expect(m).toMatchObject({ ok: true, operationId: 'getJsonFeed', params: { unitCode: '24065' } });
    expect(matchRoute('GET', '/v1/bulletins/a%2Fb')).toMatchObject({ ok: true, params: { id: 'a/b' } });
    expect(matchRoute('HEAD', '/v1/media/abc')).toMatchObject({ ok: true, operationId: 'getMedia' });
  });

  it('tells the feed script from a unit feed', () => {
    expect(matchRoute('GET', '/v1/feeds/embed.js')).toMatchObject({ ok: true, operationId: 'getFeedScript' });
    expect(matchRoute('GET', '/v1/feeds/52001.json')).toMatchObject({ operationId: 'getJsonFeed' });
    expect(matchRoute('GET', '/v1/feeds/embed.json')).toMatchObject({
      operationId: 'getJsonFeed',
      params: { unitCode: 'embed' },
    });
    expect(matchRoute('GET', '/v1/bulletins/B1/history')).toMatchObject({
      operationId: 'getBulletinHistory',
      params: { id: 'B1' },
    });
  });

  it('answers 405 with the allowed methods, 404 for unknown paths, 400 for a broken escape', () => {
    const m405 = matchRoute('DELETE', '/v1/bulletins/01J');
    expect(m405).toMatchObject({ ok: false, status: 405, allow: ['GET', 'PATCH'] });
    const m404 = matchRoute('GET', '/v1/nothing');
    expect(m404).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/v1/feeds/24065.rss')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/v1/feeds/.atom')).toMatchObject({ ok: false, status: 404 });
    const m400 = matchRoute('GET', '/v1/bulletins/%E0%A4%A');
    expect(m400).toMatchObject({ ok: false, status: 400 });
    if (!m400.ok) expect(m400.problem.errors?.[0]?.message).toMatch(/segment 3 .*malformed percent-escape/);
  });

  it('round-trips buildPath for any parameter values (property)', () => {
    const routes = ROUTE_LIST.filter((r) => r.params);
    fc.assert(
      fc.property(
        fc.constantFrom(...routes),
        fc.array(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), {
          minLength: 2,
          maxLength: 2,
        }),
        (route, values) => {
          const names = paramNames(route.path);
          const params = Object.fromEntries(names.map((n, i) => [n, values[i] as string]));
          const path = build(route.operationId, params);
          const m = matchRoute(route.method, path);
          expect(m.ok && m.operationId).toBe(route.operationId);
          expect(m.ok && m.params).toEqual(params);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary input and answers a valid problem when nothing matches (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'get', 'OPTIONS'), fc.string()),
        fc.oneof(
          fc.string(),
          fc.webPath(),
          fc
            .array(fc.constantFrom('v1', 'bulletins', 'feeds', '%', '%zz', 'x.atom', '', '{id}', '..'))
            .map((parts) => `/${parts.join('/')}`),
        ),
        (method, path) => {
          const m = matchRoute(method, path);
          if (m.ok) {
            expect(ROUTES[m.operationId]).toBeDefined();
          } else {
            expect(ProblemSchema.safeParse(m.problem).success).toBe(true);
            expect(m.problem.status).toBe(m.status);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('sends no two routes of one method to the same path', () => {
    for (const a of ROUTE_LIST) {
      const path = build(a.operationId, Object.fromEntries(paramNames(a.path).map((n) => [n, 'p'])));
      const hits = ROUTE_LIST.filter((b) => b.method === a.method && b !== a).filter((b) => {
        const re = new RegExp(`^${b.path.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`);
        return re.test(path);
      });
      expect(
        hits.map((h) => h.operationId),
        a.operationId,
      ).toEqual([]);
    }
  });
});
