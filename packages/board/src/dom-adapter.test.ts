import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlayoutItem, PlayResult } from '@nguon/device';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as Board from './index';
import {
  type Asset,
  bundle,
  kioskPage,
  launchChromium,
  screenshotDir,
  serve,
  svgPicture,
  type TestSite,
} from './test-browser';

// The adapter runs in real headless Chromium; `window.board` is a DomBoardAdapter on #board.
type PageWindow = Window & {
  nguon: typeof Board;
  board: Board.DomBoardAdapter;
  item: (over: Partial<PlayoutItem>) => PlayoutItem;
  emergency: { controller: AbortController; shown: Promise<PlayResult> };
  shown: Promise<PlayResult>;
};
let browser: Browser;
let site: TestSite;
let page: Page;

const TITLE_DECOMPOSED = 'Tho\u0302ng ba\u0301o li\u0323ch tie\u0302m chu\u0309ng'; // typed with combining marks
const TITLE = 'Thông báo lịch tiêm chủng';
const EMERGENCY_TITLE = 'Bão số 9 đổ bộ: sơ tán khẩn cấp khu vực ven sông Ba';

beforeAll(async () => {
  const assets = new Map<string, Asset>([
    ['/board.js', { type: 'text/javascript', body: await bundle('./index.ts') }],
    ['/media/field.svg', { type: 'image/svg+xml', body: svgPicture('Cánh đồng Ia Grai') }],
    ['/media/broken.png', { type: 'image/png', body: 'not a picture' }],
    [
      '/media/test-pattern.webm',
      {
        type: 'video/webm',
        body: readFileSync(new URL('./__fixtures__/test-pattern.webm', import.meta.url)),
      },
    ],
    [
      '/',
      {
        type: 'text/html; charset=utf-8',
        body: kioskPage(`import * as nguon from '/board.js'; window.nguon = nguon;`),
      },
    ],
  ]);
  site = await serve(assets);
  browser = await launchChromium();
  mkdirSync(screenshotDir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

beforeEach(async () => {
  await page?.close();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(site.url);
  await page.waitForFunction(() => 'nguon' in window);
  await page.evaluate(() => {
    const w = window as unknown as PageWindow;
    w.board = new w.nguon.DomBoardAdapter({
      element: document.getElementById('board')!,
      slideSec: 0.4,
      emergencySec: 30,
      testPatternSec: 0.1,
    });
    w.item = (over) => ({
      bulletinId: 'b-1',
      version: 1,
      priority: 'normal',
      category: 'health',
      lang: 'vi',
      emergency: false,
      volume: 60,
      ...over,
    });
  });
});

describe('DomBoardAdapter in Chromium', () => {
  it('shows a slide with the Vietnamese title in NFC, its lang and a Vietnamese-complete font, then completes', async () => {
    const result = await page.evaluate(async (title) => {
      const w = window as unknown as PageWindow;
      const shown = w.board.play(
        w.item({ title, text: 'Ngày 28/11 tại trạm y tế xã.\n\nMang theo sổ tiêm.' }),
        new AbortController().signal,
      );
      const h1 = document.querySelector('.nb-slide h1') as HTMLElement;
      const seen = {
        title: h1.textContent,
        lang: (h1.closest('article') as HTMLElement).lang,
        font: getComputedStyle(h1).fontFamily,
        paragraphs: document.querySelectorAll('.nb-slide .nb-text p').length,
        layout: w.board.showing().layout,
      };
      return {
        seen,
        result: await shown,
        after: w.board.showing().layout,
        recent: document.querySelector('.nb-recent h2')?.textContent,
      };
    }, TITLE_DECOMPOSED);
    expect(result.seen.title).toBe(TITLE);
    expect(result.seen.title).not.toBe(TITLE_DECOMPOSED);
    expect(result.seen.lang).toBe('vi');
    expect(result.seen.font).toContain('DejaVu Sans');
    expect(result.seen.paragraphs).toBe(2);
    expect(result.seen.layout).toBe('slide');
    expect(result.result).toEqual({ outcome: 'completed' });
    expect(result.after).toBe('idle');
    expect(result.recent).toBe(TITLE);
    await page.screenshot({ path: join(screenshotDir, 'idle.png') });
  });

  it('sets lang and the script font for minority-language content', async () => {
    const seen = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const shown = w.board.play(w.item({ lang: 'km', title: 'សេចក្តីជូនដំណឹង' }), new AbortController().signal);
      const article = document.querySelector('.nb-slide') as HTMLElement;
      const out = { lang: article.lang, font: article.style.fontFamily };
      await shown;
      return out;
    });
    expect(seen.lang).toBe('km');
    expect(seen.font.startsWith('"Noto Sans Khmer"')).toBe(true);
  });

  it('lets an emergency take over the whole viewport with a red banner, preempting a slide at once', async () => {
    const seen = await page.evaluate(async (title) => {
      const w = window as unknown as PageWindow;
      const normal = new AbortController();
      const first = w.board.play(
        w.item({ title: 'Lịch họp tổ dân phố', text: 'Tối thứ Sáu.' }),
        normal.signal,
      );
      const started = performance.now();
      normal.abort(); // the scheduler aborts the lower level first (P-Q1)
      const normalResult = await first;
      const abortMs = performance.now() - started;
      const emergency = new AbortController();
      const second = w.board.play(
        w.item({
          bulletinId: 'e-1',
          priority: 'emergency',
          emergency: true,
          title,
          text: 'Di chuyển ngay đến nơi an toàn.',
        }),
        emergency.signal,
      );
      const layer = document.querySelector('.nb-emergency') as HTMLElement;
      const banner = layer.querySelector('.nb-banner') as HTMLElement;
      const rect = layer.getBoundingClientRect();
      const top =
        document.elementFromPoint(innerWidth / 2, innerHeight / 2)?.closest('.nb-emergency') === layer;
      w.emergency = { controller: emergency, shown: second };
      return {
        normalResult,
        abortMs,
        slideGone: document.querySelector('.nb-slide') === null,
        rect: { w: rect.width, h: rect.height, x: rect.x, y: rect.y },
        viewport: { w: innerWidth, h: innerHeight },
        top,
        banner: banner.textContent,
        bannerColour: getComputedStyle(banner).backgroundColor,
        title: layer.querySelector('h1')?.textContent,
        role: layer.getAttribute('role'),
        scale: Number(layer.style.getPropertyValue('--nb-scale')),
        layout: w.board.showing().layout,
      };
    }, EMERGENCY_TITLE);
    expect(seen.normalResult.outcome).toBe('interrupted');
    expect(seen.abortMs).toBeLessThan(100);
    expect(seen.slideGone).toBe(true);
    expect(seen.rect).toEqual({ w: seen.viewport.w, h: seen.viewport.h, x: 0, y: 0 });
    expect(seen.top).toBe(true);
    expect(seen.banner).toContain('Thông báo khẩn cấp');
    expect(seen.bannerColour).toBe('rgb(200, 16, 46)');
    expect(seen.title).toBe(EMERGENCY_TITLE);
    expect(seen.role).toBe('alert');
    expect(seen.scale).toBeGreaterThan(1); // a short emergency is drawn larger than a slide
    expect(seen.layout).toBe('emergency');
    await page.screenshot({ path: join(screenshotDir, 'emergency.png') });

    // still on screen well after a slide would have ended: it stays until it ends or is revoked
    await page.waitForTimeout(600);
    expect(await page.evaluate(() => (window as unknown as PageWindow).board.showing().layout)).toBe(
      'emergency',
    );
    const revoked = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      w.emergency.controller.abort(); // bulletin.revoke
      return {
        result: await w.emergency.shown,
        layout: w.board.showing().layout,
        left: document.querySelector('.nb-emergency'),
      };
    });
    expect(revoked).toEqual({
      result: { outcome: 'interrupted', reason: 'aborted' },
      layout: 'idle',
      left: null,
    });
  });

  it('shows images from media URLs and from verified bytes, and fails a picture that does not decode', async () => {
    const results = await page.evaluate(async (base) => {
      const w = window as unknown as PageWindow;
      const svg = await (await fetch(`${base}/media/field.svg`)).arrayBuffer();
      const byUrl = w.board.play(
        w.item({
          title: 'Mùa vụ mới',
          images: [
            { sha256: 'a'.repeat(64), mime: 'image/svg+xml', size: 1, url: `${base}/media/field.svg` },
          ],
        }),
        new AbortController().signal,
      );
      const img = document.querySelector('.nb-media img') as HTMLImageElement;
      const first = await byUrl;
      const fromBytes = w.board.play(
        w.item({
          title: 'Mùa vụ mới',
          media: {
            sha256: 'b'.repeat(64),
            mime: 'image/svg+xml',
            size: svg.byteLength,
            url: `${base}/nowhere.svg`,
            bytes: new Uint8Array(svg),
          },
        }),
        new AbortController().signal,
      );
      const blobSrc = (document.querySelector('.nb-media img') as HTMLImageElement).src;
      const second = await fromBytes;
      const broken = await w.board.play(
        w.item({
          title: 'Ảnh hỏng',
          images: [{ sha256: 'c'.repeat(64), mime: 'image/png', size: 1, url: `${base}/media/broken.png` }],
        }),
        new AbortController().signal,
      );
      return { first, width: img.naturalWidth, second, blobSrc, broken };
    }, site.url);
    expect(results.first).toEqual({ outcome: 'completed' });
    expect(results.width).toBe(640);
    expect(results.second).toEqual({ outcome: 'completed' });
    expect(results.blobSrc.startsWith('blob:')).toBe(true);
    expect(results.broken.outcome).toBe('failed');
    expect(results.broken.reason).toContain('c'.repeat(64));
  });

  it('plays a video to its end beside the text, and stops it at once when aborted', async () => {
    const seen = await page.evaluate(async (base) => {
      const w = window as unknown as PageWindow;
      const video = {
        sha256: 'd'.repeat(64),
        mime: 'video/webm',
        size: 13931,
        url: `${base}/media/test-pattern.webm`,
        durationSec: 1.5,
      };
      const started = performance.now();
      const shown = w.board.play(
        w.item({ title: 'Hướng dẫn phòng cháy', media: video }),
        new AbortController().signal,
      );
      const element = document.querySelector('.nb-media video') as HTMLVideoElement;
      let ended = false;
      element.addEventListener('ended', () => {
        ended = true;
      });
      const result = await shown;
      const playedMs = performance.now() - started;

      const controller = new AbortController();
      const again = w.board.play(w.item({ title: 'Hướng dẫn phòng cháy', media: video }), controller.signal);
      const second = document.querySelector('.nb-media video') as HTMLVideoElement;
      await new Promise((r) => second.addEventListener('playing', r, { once: true }));
      controller.abort();
      const aborted = await again;
      return {
        result,
        playedMs,
        ended,
        aborted,
        pausedAfterAbort: second.paused,
        leftScreen: !second.isConnected,
      };
    }, site.url);
    expect(seen.result.outcome).toBe('completed');
    expect(seen.ended).toBe(true);
    expect(seen.playedMs).toBeGreaterThan(1200);
    expect(seen.aborted).toEqual({ outcome: 'interrupted', reason: 'aborted' });
    expect(seen.pausedAfterAbort).toBe(true);
    expect(seen.leftScreen).toBe(true);
  });

  it('stacks text above the picture on a portrait kiosk', async () => {
    await page.setViewportSize({ width: 540, height: 960 });
    const seen = await page.evaluate(async (base) => {
      const w = window as unknown as PageWindow;
      const shown = w.board.play(
        w.item({
          title: 'Lịch tiêm chủng mở rộng',
          text: 'Trạm y tế xã Ia Grai tiêm vắc-xin sởi cho trẻ từ 9 tháng tuổi, sáng thứ Bảy.',
          images: [
            { sha256: 'e'.repeat(64), mime: 'image/svg+xml', size: 1, url: `${base}/media/field.svg` },
          ],
        }),
        new AbortController().signal,
      );
      await new Promise((r) => setTimeout(r, 150));
      const text = (document.querySelector('.nb-slide .nb-text') as HTMLElement).getBoundingClientRect();
      const img = (document.querySelector('.nb-slide img') as HTMLElement).getBoundingClientRect();
      const out = { textBottom: text.bottom, imgTop: img.top, imgWidth: img.width };
      w.shown = shown;
      return out;
    }, site.url);
    await page.screenshot({ path: join(screenshotDir, 'portrait.png') });
    await page.evaluate(() => (window as unknown as PageWindow).shown);
    expect(seen.imgTop).toBeGreaterThanOrEqual(seen.textBottom);
    expect(seen.imgWidth).toBeGreaterThan(400);
  });

  it('does not claim a display on an element without size', async () => {
    const result = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const box = document.createElement('div');
      document.body.append(box);
      box.style.height = '0';
      const hidden = new w.nguon.DomBoardAdapter({ element: box, slideSec: 0.1 });
      return hidden.play(w.item({ title: 'Không ai thấy' }), new AbortController().signal);
    });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain('no size');
  });

  it('does not count a display during which the page was hidden', async () => {
    const result = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const shown = w.board.play(w.item({ title: 'Không ai thấy hết' }), new AbortController().signal);
      // What the browser reports when the kiosk window is minimised or covered by another tab
      // (headless Chromium has no window to minimise, so the page's visibility is overridden).
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      const outcome = await shown;
      Reflect.deleteProperty(document, 'visibilityState');
      return { outcome, visible: document.visibilityState };
    });
    expect(result.visible).toBe('visible');
    expect(result.outcome).toEqual({ outcome: 'failed', reason: 'the page was hidden 0 s into the display' });
  });

  it('fails the self-test of a screen without size, saying what to fix', async () => {
    const test = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const box = document.createElement('div');
      document.body.append(box);
      box.style.height = '0';
      return new w.nguon.DomBoardAdapter({ element: box, testPatternSec: 0 }).selfTest();
    });
    expect(test.ok).toBe(false);
    expect(test.checks[0]).toMatchObject({ name: 'screen.size', ok: false });
    expect(test.checks[0]?.message).toContain('give it a width and height');
  });

  it('marks priority slides and draws a long notice smaller instead of cutting it off', async () => {
    const seen = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const long = Array.from(
        { length: 15 },
        (_, i) => `Điều ${i + 1}. Người dân thực hiện đúng hướng dẫn của chính quyền địa phương.`,
      ).join('\n\n');
      const shown = w.board.play(
        w.item({ priority: 'priority', title: 'Quy định phòng chống dịch', text: long }),
        new AbortController().signal,
      );
      const layer = document.querySelector('.nb-slide') as HTMLElement;
      const text = layer.querySelector('.nb-text') as HTMLElement;
      const out = {
        band: layer.querySelector('.nb-band')?.textContent,
        scale: Number(layer.style.getPropertyValue('--nb-scale')),
        titleBottom: (layer.querySelector('h1') as HTMLElement).getBoundingClientRect().bottom,
        layerBottom: layer.getBoundingClientRect().bottom,
        textFits: text.scrollHeight <= text.clientHeight + 1,
      };
      await shown;
      return out;
    });
    expect(seen.band).toBe('Thông tin ưu tiên');
    expect(seen.scale).toBeLessThan(1);
    expect(seen.titleBottom).toBeLessThan(seen.layerBottom);
    expect(seen.textFits).toBe(true);
  });

  it('measures the screen in its self-test and reports its size and media in capabilities', async () => {
    const { test, caps, layoutDuring } = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const running = w.board.selfTest();
      const layoutDuring = w.board.showing().layout;
      return { test: await running, caps: w.board.capabilities(), layoutDuring };
    });
    expect(layoutDuring).toBe('test');
    expect(test.ok).toBe(true);
    expect(test.checks.map((c: { name: string }) => c.name)).toEqual([
      'screen.size',
      'screen.colour',
      'text.diacritics',
      'text.layout',
      'media.playable',
    ]);
    expect(test.checks[0]?.message).toBe('1280×720');
    expect(caps.display).toMatchObject({ width: 1280, height: 720, color: true });
    expect(caps.display?.mime).toContain('image/png');
    expect(caps.display?.mime.some((m: string) => m.startsWith('video/'))).toBe(true);
  });

  it('follows a brightness schedule in Vietnam time, across midnight, and refuses a wrong period', async () => {
    const seen = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      let now = Date.parse('2026-11-26T15:30:00Z'); // 22:30 in Hà Nội
      const timers: { at: number; fn: () => void }[] = [];
      const clock = {
        now: () => now,
        setTimeout: (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }),
        clearTimeout: () => undefined,
      };
      const levels: number[] = [];
      const board = new w.nguon.DomBoardAdapter({
        element: document.getElementById('board')!,
        clock,
        rotationSec: false,
        brightness: 90,
        brightnessSchedule: [{ from: '22:00', to: '05:00', level: 20 }],
        onBrightness: (l) => {
          levels.push(l);
        },
      });
      const atNight = board.brightness();
      now = Date.parse('2026-11-26T23:10:00Z'); // 06:10 the next morning
      for (const timer of timers.splice(0)) if (timer.at <= now + 60_000) timer.fn();
      const morning = board.brightness();
      let refused = '';
      try {
        new w.nguon.DomBoardAdapter({
          element: document.getElementById('board')!,
          brightnessSchedule: [{ from: '22:00', to: '25:00', level: 20 }],
        });
      } catch (error) {
        refused = (error as Error).message;
      }
      await board.close();
      return { atNight, morning, levels, refused };
    });
    expect(seen.atNight).toBe(20);
    expect(seen.morning).toBe(90);
    expect(seen.levels).toEqual([20, 90]);
    expect(seen.refused).toBe(
      'DomBoardAdapter options.brightnessSchedule[0].to: expected HH:MM, found "25:00"',
    );
  });

  it('dims for night but shows emergencies at full brightness', async () => {
    const seen = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const levels: number[] = [];
      const board = new w.nguon.DomBoardAdapter({
        element: document.getElementById('board')!,
        onBrightness: (l: number) => {
          levels.push(l);
        },
      });
      await board.setBrightness(30);
      const dim = document.querySelectorAll('.nb-dim')[1] as HTMLElement;
      const night = getComputedStyle(dim).opacity;
      const controller = new AbortController();
      const shown = board.play(
        w.item({ priority: 'emergency', emergency: true, title: 'Lũ quét' }),
        controller.signal,
      );
      const during = dim.hidden;
      controller.abort();
      await shown;
      return {
        night,
        during,
        after: dim.hidden,
        levels,
        bad: await board.setBrightness(140).then(
          () => 'accepted',
          (e: Error) => e.message,
        ),
      };
    });
    expect(Number(seen.night)).toBeCloseTo(0.7, 5);
    expect(seen.during).toBe(true);
    expect(seen.after).toBe(false);
    expect(seen.levels).toEqual([30]);
    expect(seen.bad).toBe('brightness: expected a number from 0 to 100, found 140');
  });
});
