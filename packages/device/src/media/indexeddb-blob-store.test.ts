import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Real headless Chromium (Debian's package), as browser boards run.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const audio = new TextEncoder().encode('bản tin phát thanh — tiếng Jrai và tiếng Việt'.repeat(50));
const other = new TextEncoder().encode('x'.repeat(1500));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let server: Server;
let site: string;
let browser: Browser;
const hits = new Map<string, number>();

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./__fixtures__/media-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@nguon/source'],
    write: false,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]!.text;
  const assets = new Map<string, { type: string; body: string | Uint8Array }>([
    [
      '/',
      {
        type: 'text/html',
        body: '<!doctype html><meta charset="utf-8"><script type="module" src="/media.js"></script>',
      },
    ],
    ['/media.js', { type: 'text/javascript', body: script }],
    ['/audio.mp3', { type: 'audio/mpeg', body: audio }],
    ['/other.mp3', { type: 'audio/mpeg', body: other }],
  ]);
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const asset = assets.get(path);
    if (asset === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(asset.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

interface PageResult {
  has?: boolean;
  size?: number;
  bytes?: number;
  used?: number;
  list?: string[];
  error?: string;
}

describe('IndexedDbBlobStore in Chromium', () => {
  it('keeps verified media across a page reload, evicts by write order, and refuses a tampered file', async () => {
    const page = await browser.newPage();
    await page.goto(site);
    await page.waitForFunction(() => 'nguonMedia' in globalThis);
    const refs = {
      audio: { url: `${site}/audio.mp3`, sha256: sha(audio), size: audio.byteLength, mime: 'audio/mpeg' },
      other: { url: `${site}/other.mp3`, sha256: sha(other), size: other.byteLength, mime: 'audio/mpeg' },
    };
    const run = (step: string) =>
      page.evaluate(
        async ({ step, refs, limit }): Promise<PageResult> => {
          // biome-ignore lint/suspicious/noExplicitAny: the page global set by the fixture bundle
          const { IndexedDbBlobStore, MediaCache } = (globalThis as any).nguonMedia;
          const store = await IndexedDbBlobStore.open('nguon-media-test');
          const cache = new MediaCache({ store, limitBytes: limit, retries: 0 });
          try {
            if (step === 'first') {
              const media = await cache.ensure(refs.audio);
              return { size: media.size, bytes: media.bytes.byteLength, used: await cache.usedBytes() };
            }
            if (step === 'after-reload') {
              const has = await cache.has(refs.audio.sha256);
              const media = await cache.ensure(refs.audio);
              return { has, bytes: media.bytes.byteLength, used: await store.usedBytes() };
            }
            if (step === 'evict') {
              await cache.ensure(refs.other);
              return { list: (await store.list()).map((b: { sha256: string }) => b.sha256) };
            }
            await cache.ensure({ ...refs.audio, sha256: 'f'.repeat(64) });
            return {};
          } catch (error) {
            return { error: `${(error as { code?: string }).code}: ${(error as Error).message}` };
          } finally {
            store.close();
          }
        },
        { step, refs, limit: audio.byteLength + 1000 },
      );

    expect(await run('first')).toEqual({
      size: audio.byteLength,
      bytes: audio.byteLength,
      used: audio.byteLength,
    });
    expect(hits.get('/audio.mp3')).toBe(1);

    await page.reload();
    await page.waitForFunction(() => 'nguonMedia' in globalThis);
    expect(await run('after-reload')).toEqual({ has: true, bytes: audio.byteLength, used: audio.byteLength });
    expect(hits.get('/audio.mp3')).toBe(1);

    // The limit holds one of the two files: the older one goes.
    expect(await run('evict')).toEqual({ list: [refs.other.sha256] });

    const tampered = await run('tampered');
    expect(tampered.error).toMatch(
      /^media_integrity: expected sha256 f{64} from .*audio\.mp3, found [0-9a-f]{64}$/,
    );
    await page.close();
  }, 60_000);
});
