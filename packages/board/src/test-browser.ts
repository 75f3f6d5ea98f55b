// Test helpers (not exported): bundle an entry for the browser, serve it with a page and media
// from a local HTTP server on port 0, and drive Debian's Chromium with playwright-core.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { browserBundleOptions } from '../scripts/bundle-config';

/** Where tests leave screenshots to look at. */
export const screenshotDir = join(tmpdir(), 'nguon-board-screens');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Bundles `entry` (relative to this folder) for Chromium exactly as the kiosk file is built, from workspace sources. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    ...browserBundleOptions(fileURLToPath(new URL(entry, import.meta.url)), {
      fromSource: true,
      version: '0.0.0-test',
    }),
    write: false,
  });
  return result.outputFiles[0]!.text;
}

export interface Asset {
  type: string;
  body: string | Uint8Array;
}

export interface TestSite {
  url: string;
  assets: Map<string, Asset>;
  close(): Promise<void>;
}

/** Serves `assets` (path → content) on 127.0.0.1, port 0; unknown paths answer 404. */
export async function serve(assets: Map<string, Asset>): Promise<TestSite> {
  const server: Server = createServer((request, response) => {
    const asset = assets.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (!asset) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(asset.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    assets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Real headless Chromium, as the project runs boards. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A kiosk page: one full-window board element, the module bundle at /board.js. */
export function kioskPage(script: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Bảng tin</title>
<style>html,body{margin:0;height:100%}#board{width:100vw;height:100vh}</style></head>
<body><div id="board"></div><script type="module">${script}</script></body></html>`;
}

/** An SVG picture with a label, as media the board shows. */
export function svgPicture(label: string, colour = '#2a9d8f'): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400">
<rect width="640" height="400" fill="${colour}"/><circle cx="320" cy="170" r="90" fill="#fff" opacity=".8"/>
<text x="320" y="340" font-size="36" text-anchor="middle" fill="#fff" font-family="DejaVu Sans">${label}</text></svg>`;
}
