// The feed widget in real headless Chromium: a commune website on another origin embeds
// /v1/feeds/embed.js from the reference server and shows the bulletins of its commune.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draft, emergencyDraft, type Harness, startHarness } from '../test-support';
import { FEED_WIDGET_JS } from './generated/feed-widget';

const HOSTILE = '<img src=x onerror="window.__pwned=1">Lịch họp';

let h: Harness;
let host: Server;
let hostOrigin: string;
let browser: Browser;
let editor: string;
let approver: string;
const ids: Record<string, string> = {};

async function publish(body: Record<string, unknown>, emergency: boolean): Promise<string> {
  const created = await h.json('POST', '/v1/bulletins', { token: editor, body });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  if (!emergency) {
    await h.json('POST', `/v1/bulletins/${id}/submit`, { token: editor, body: {} });
    await h.json('POST', `/v1/bulletins/${id}/approve`, { token: approver, body: {} });
  }
  const published = await h.json('POST', `/v1/bulletins/${id}/publish`, {
    token: approver,
    body: emergency ? { approve: true } : {},
  });
  expect(published.status).toBe(200);
  return id;
}

function contents(title: string, text: string) {
  return { contents: [{ lang: 'vi', title, text }] };
}

beforeAll(async () => {
  h = await startHarness('sqlite');
  editor = await h.token('editor', ['52']);
  approver = await h.token('approver', ['52']);
  ids.commune = await publish(
    draft(['24065'], contents('Thông báo lịch tiêm chủng', 'Trạm y tế xã tiêm chủng sáng thứ Bảy.')),
    false,
  );
  ids.province = await publish(emergencyDraft(['52']), true);
  ids.hostile = await publish(draft(['24065'], contents(HOSTILE, 'Họp dân <b>thôn 3</b> lúc 8 giờ.')), false);
  ids.neighbour = await publish(
    draft(['21553'], contents('Bản tin của xã khác', 'Không dành cho Ia Rbol.')),
    false,
  );

  // The commune website: another origin (its own port) that only serves HTML.
  host = createServer((req, res) => {
    const unit = new URL(req.url ?? '/', 'http://x').searchParams.get('unit') ?? '24065';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>UBND xã</title></head><body>
<h1>Cổng thông tin xã</h1>
<div id="feed" data-nguon-feed="${unit}" data-interval="1" data-limit="10"></div>
<script src="${h.url}/v1/feeds/embed.js" async></script>
<script>window.hostStillRuns = true;</script>
</body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  host?.closeAllConnections();
  await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
  await h?.close();
});

async function items(page: Page) {
  return page.$$eval('#feed li.nguon-item', (lis) =>
    lis.map((li) => ({
      role: li.getAttribute('role'),
      emergency: li.classList.contains('nguon-emergency'),
      title: li.querySelector('span')?.textContent ?? '',
      time: li.querySelector('time')?.textContent ?? '',
      text: li.textContent ?? '',
      color: getComputedStyle(li).color,
    })),
  );
}

describe('the feed widget in headless Chromium, embedded by a site on another origin', () => {
  it('shows the commune’s and province’s bulletins, the emergency first, and drops a revoked one', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const polls: { inm: string | undefined }[] = [];
    page.on('requestfinished', async (request) => {
      if (!request.url().endsWith('/v1/feeds/24065.json')) return;
      const headers = await request.allHeaders();
      polls.push({ inm: headers['if-none-match'] });
    });
    await page.goto(`${hostOrigin}/?unit=24065`);
    expect(new URL(page.url()).origin).not.toBe(new URL(h.url).origin);
    await page.waitForSelector('#feed li.nguon-item', { timeout: 15_000 });
    const shown = await items(page);
    expect(shown).toHaveLength(3);
    expect(shown[0]).toMatchObject({ role: 'alert', emergency: true, title: 'Cảnh báo lốc xoáy' });
    expect(shown[0]?.text).toContain('Khẩn cấp');
    expect(shown[0]?.color).toBe('rgb(142, 0, 0)');
    expect(shown.slice(1).map((i) => i.role)).toEqual([null, null]);
    expect(shown.map((i) => i.title)).toEqual(expect.arrayContaining(['Thông báo lịch tiêm chủng', HOSTILE]));
    expect(shown.some((i) => i.text.includes('Bản tin của xã khác'))).toBe(false);
    // Dates in Vietnamese order (day/month/year), Vietnam's time zone.
    // The harness clock starts at 01:00 UTC, 08:00 in Vietnam.
    for (const i of shown) expect(i.time).toMatch(/^08:0\d,? 26\/11\/2026$/);

    // Hostile text stays text: no element was made from it, no handler ran.
    expect(await page.$$eval('#feed img, #feed b', (n) => n.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { hostStillRuns?: boolean }).hostStillRuns)).toBe(
      true,
    );

    // Re-polls revalidate the cached feed: the browser sends its ETag back as If-None-Match.
    await expect
      .poll(() => polls.filter((p) => p.inm?.startsWith('"')).length, { timeout: 10_000 })
      .toBeGreaterThan(1);
    expect(polls[0]?.inm).toBeUndefined();
    const revoked = await h.json('POST', `/v1/bulletins/${ids.commune}/revoke`, {
      token: approver,
      body: { reason: 'Đổi lịch tiêm' },
    });
    expect(revoked.status).toBe(200);
    await page.waitForFunction(
      () =>
        ![...document.querySelectorAll('#feed li.nguon-item span')].some(
          (s) => s.textContent === 'Thông báo lịch tiêm chủng',
        ),
      undefined,
      { timeout: 15_000, polling: 200 },
    );
    const after = await items(page);
    expect(after.map((i) => i.title)).toEqual(['Cảnh báo lốc xoáy', HOSTILE]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a short Vietnamese note, and throws nothing into the page, when the feed cannot be read', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${hostOrigin}/?unit=99999`);
    await page.waitForSelector('#feed .nguon-error', { timeout: 15_000 });
    expect(await page.textContent('#feed .nguon-error')).toBe('Không đọc được bản tin; sẽ thử lại sau.');
    expect(await page.evaluate(() => (window as unknown as { hostStillRuns?: boolean }).hostStillRuns)).toBe(
      true,
    );
    // Still one note after a few more polls.
    await page.waitForTimeout(2_500);
    expect(await page.$$eval('#feed .nguon-error', (n) => n.length)).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('honours data-limit and data-lang="en"', async () => {
    const page = await browser.newPage();
    await page.goto(`${hostOrigin}/?unit=99999`);
    await page.setContent(
      `<div id="feed" data-nguon-feed="24065" data-limit="1" data-lang="en"></div><script src="${h.url}/v1/feeds/embed.js"></script>`,
    );
    await page.waitForSelector('#feed li.nguon-item', { timeout: 15_000 });
    const shown = await items(page);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.text).toMatch(/^Emergency: Cảnh báo lốc xoáy/);
    await page.close();
  });

  it('renders any feed body without throwing into the page, and titles only as text (property)', async () => {
    // A stand-in source system that serves the widget and whatever feed body the property draws.
    let feedBody = '';
    const source = createServer((req, res) => {
      if (req.url === '/v1/feeds/embed.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(FEED_WIDGET_JS);
      } else {
        res.writeHead(200, { 'content-type': 'application/feed+json', 'access-control-allow-origin': '*' });
        res.end(feedBody);
      }
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    const sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const text = fc.string({
      unit: fc.constantFrom('a', 'ệ', '<', '>', '&', '"', "'", '/', ' ', '=', 'i', 'm', 'g'),
    });
    const item = fc.record(
      {
        title: fc.oneof(text, fc.jsonValue()),
        summary: fc.oneof(text, fc.jsonValue()),
        url: fc.oneof(fc.constant('javascript:alert(1)'), fc.webUrl(), fc.jsonValue()),
        date_published: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        _nguon: fc.record({ priority: fc.constantFrom('normal', 'emergency', 'x'), status: fc.string() }),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.array(item, { maxLength: 6 }).map((items) => JSON.stringify({ items })),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
    );
    await page.goto(`${hostOrigin}/?unit=99999`);
    try {
      await fc.assert(
        fc.asyncProperty(body, async (drawn) => {
          feedBody = drawn;
          await page.setContent(
            `<div id="feed" data-nguon-feed="24065" data-interval="60"></div><script src="${sourceUrl}/v1/feeds/embed.js"></script><script>window.hostStillRuns = true;</script>`,
          );
          await page.waitForSelector('#feed ul, #feed .nguon-error', { timeout: 5_000 });
          const seen = await page.evaluate(() => ({
            tags: [...document.querySelectorAll('#feed *')].map((e) => e.tagName.toLowerCase()),
            hrefs: [...document.querySelectorAll('#feed a')].map((a) => a.getAttribute('href') ?? ''),
            titles: [...document.querySelectorAll('#feed li.nguon-item > span')].map((s) => s.textContent),
            host: (window as unknown as { hostStillRuns?: boolean }).hostStillRuns,
          }));
          expect(seen.host).toBe(true);
          for (const tag of seen.tags)
            expect(['ul', 'li', 'strong', 'span', 'time', 'p', 'a']).toContain(tag);
          for (const href of seen.hrefs) expect(href).toMatch(/^https?:\/\//);
          const parsed = (() => {
            try {
              return JSON.parse(drawn) as { items?: unknown };
            } catch {
              return undefined;
            }
          })();
          const items = Array.isArray(parsed?.items)
            ? (parsed.items as Record<string, unknown>[])
            : undefined;
          if (items) {
            const strings = items.map((i) => i?.title).filter((t): t is string => typeof t === 'string');
            for (const title of seen.titles) expect(strings.includes(title ?? '') || title === '').toBe(true);
          }
          expect(errors).toEqual([]);
        }),
        { numRuns: 40 },
      );
    } finally {
      await page.close();
      source.closeAllConnections();
      await new Promise<void>((resolve) => source.close(() => resolve()));
    }
  }, 120_000);
});
