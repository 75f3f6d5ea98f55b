import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBundle } from './__fixtures__/bundle';
import { draft, type Reference, startReference } from './__fixtures__/server';

// The reference server sends no CORS headers yet (requested), so the page is served from the same
// origin as the API: a small front server answers `/` and `/sdk.js` and passes everything else on.

let ref: Reference;
let front: Server;
let origin: string;
let browser: Browser;
let editorToken: string;

beforeAll(async () => {
  ref = await startReference();
  editorToken = await ref.token('editor', ['52']);
  const script = await browserBundle(new URL('./__fixtures__/browser-entry.ts', import.meta.url), 'iife');
  front = createHttpServer(async (req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><script src="/sdk.js"></script></head><body></body></html>',
      );
      return;
    }
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value);
    }
    const answer = await fetch(`${ref.url}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding')
        out[name] = value;
    });
    res.writeHead(answer.status, out);
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  front?.closeAllConnections();
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
  await ref?.close();
});

describe('in headless Chromium', () => {
  it('creates, lists, iterates and gets typed problems from the real server', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    const result = await page.evaluate(
      async ({ token, body }) => {
        const { createClient, ProblemError } = (window as unknown as { nguonSdk: typeof import('./index') })
          .nguonSdk;
        const client = createClient({ baseUrl: location.origin, token });
        const created = await client.bulletins.create(body as never);
        await client.bulletins.create(body as never);
        await client.bulletins.create(body as never);
        const ids: string[] = [];
        for await (const b of client.bulletins.iterate({ limit: 1 })) ids.push(b.id);
        const atom = await createClient({ baseUrl: location.origin }).feeds.getAtom({ unitCode: '24065' });
        let problem: { status: number; code: string; isProblem: boolean } | undefined;
        try {
          await client.bulletins.get({ id: '01JDXF1A2B3C4D5E6F7G8H9J0K' });
        } catch (error) {
          problem = {
            status: (error as { status: number }).status,
            code: (error as { code: string }).code,
            isProblem: ProblemError.isInstance(error),
          };
        }
        return {
          created: created.status,
          ids,
          createdId: created.id,
          atom: atom.slice(0, 200),
          problem,
          ua: navigator.userAgent,
        };
      },
      { token: editorToken, body: draft(['24065']) },
    );
    expect(result.ua).toContain('Chrome');
    expect(result.created).toBe('draft');
    expect(result.ids).toHaveLength(3);
    expect(result.ids).toContain(result.createdId);
    expect(result.atom).toContain('<feed');
    expect(result.problem).toEqual({ status: 404, code: 'not_found', isProblem: true });
  });

  it('calls the server across origins when it sends CORS headers, else fails with a network SdkError', async () => {
    const probe = await fetch(`${ref.url}/health`, { headers: { origin } });
    const allowed = probe.headers.get('access-control-allow-origin');
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    const result = await page.evaluate(async (api) => {
      const { createClient, SdkError } = (window as unknown as { nguonSdk: typeof import('./index') })
        .nguonSdk;
      try {
        return { status: (await createClient({ baseUrl: api, retry: 0 }).operations.getHealth()).status };
      } catch (error) {
        return { code: SdkError.isInstance(error) ? error.code : String(error) };
      }
    }, ref.url);
    expect(result).toEqual(allowed === '*' || allowed === origin ? { status: 'ok' } : { code: 'network' });
  });
});
