import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DeviceEvent } from '@nguon/device';
import {
  generateDeviceKey,
  generateTrustKey,
  type ReceivedMessage,
  startBroker,
  type TestBroker,
  type TestKey,
  TestSystem,
} from '@nguon/device/test';
import type { CommandBody } from '@nguon/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as BoardBrowser from './browser';
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

// A whole board: the browser bundle in real headless Chromium, connected over MQTT WebSocket to an
// in-process aedes broker, driven by a test system that signs commands and verifies receipts.
type PageWindow = Window & {
  nguonBoard: typeof BoardBrowser;
  running: BoardBrowser.RunningBoard;
  events: DeviceEvent[];
};

const PROVINCE = '52';
const UNIT = '52001';
const NORMAL_TITLE = 'Thông báo lịch tiêm chủng mở rộng tháng 12';
const NORMAL_TEXT = 'Trạm y tế xã Ia Grai tiêm vắc-xin sởi – rubella cho trẻ từ 9 tháng tuổi.';
const EMERGENCY_TITLE = 'Cảnh báo lũ quét và sạt lở đất';
const EMERGENCY_TEXT = 'Người dân ven suối Ia Krêl di chuyển ngay đến nơi an toàn.';

let broker: TestBroker;
let site: TestSite;
let browser: Browser;
let page: Page;
let system: TestSystem;
let systemKey: TestKey;
let deviceKey: TestKey;
const deviceId = `bt-${randomBytes(4).toString('hex')}`;
const picture = Buffer.from(svgPicture('Trạm y tế xã', '#1d3557'));
const pictureRef = {
  url: '',
  sha256: createHash('sha256').update(picture).digest('hex'),
  size: picture.byteLength,
  mime: 'image/svg+xml',
};

beforeAll(async () => {
  broker = await startBroker();
  systemKey = await generateTrustKey('gl-test-1');
  deviceKey = await generateDeviceKey(deviceId);
  system = await TestSystem.connect({ url: broker.url, province: PROVINCE, key: systemKey });
  await system.register(deviceId, deviceKey.anchor);
  site = await serve(
    new Map<string, Asset>([
      ['/board.js', { type: 'text/javascript', body: await bundle('./browser.ts') }],
      ['/media/clinic.svg', { type: 'image/svg+xml', body: picture }],
      [
        '/',
        {
          type: 'text/html; charset=utf-8',
          body: kioskPage(`import * as b from '/board.js'; window.nguonBoard = b; window.events = [];`),
        },
      ],
    ]),
  );
  pictureRef.url = `${site.url}/media/clinic.svg`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(site.url);
  await page.waitForFunction(() => 'nguonBoard' in window);
});

afterAll(async () => {
  await page?.evaluate(() => (window as unknown as PageWindow).running?.stop()).catch(() => undefined);
  await browser?.close();
  await system?.close();
  await broker?.close();
  await site?.close();
});

function deliver(
  id: string,
  priority: 'normal' | 'emergency',
  title: string,
  text: string,
  withPicture: boolean,
): CommandBody<'bulletin.deliver'> {
  return {
    bulletin: {
      id,
      version: 1,
      category: priority === 'emergency' ? 'disaster' : 'health',
      priority,
      title,
      contents: [{ lang: 'vi', title, text }],
    },
    playout: { priority, startAt: new Date(Date.now() - 1000).toISOString() },
    media: withPicture ? [pictureRef] : [],
  };
}

function receiptOf(bulletinId: string, outcome: string) {
  return (m: ReceivedMessage) =>
    m.type === 'receipt' &&
    m.deviceId === deviceId &&
    m.message.body?.bulletinId === bulletinId &&
    m.message.body?.outcome === outcome;
}

describe('a browser board over MQTT WebSocket', () => {
  it('refuses a config it cannot run, naming the field', async () => {
    const message = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      return w.nguonBoard
        .startBoard({
          element: '#board',
          deviceId: 'bt-x01',
          province: '52',
          units: ['52001'],
          mqtt: { url: 'http://broker.example/mqtt' },
          trust: [{ kid: 'k', publicKey: 'x' }],
          privateKey: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' },
        })
        .then(
          () => 'started',
          (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
        );
    });
    expect(message).toBe(
      'invalid_config: board config mqtt.url: expected a ws:// or wss:// URL (browsers speak MQTT over WebSocket)',
    );
  });

  it('connects, says hello with its screen, shows a signed bulletin, yields to an emergency, and proves each display', async () => {
    await page.evaluate(
      async ({ deviceId, wsUrl, anchor, privateJwk }) => {
        const w = window as unknown as PageWindow;
        w.running = await w.nguonBoard.startBoard({
          element: '#board',
          deviceId,
          province: '52',
          units: ['52001'],
          mqtt: { url: wsUrl },
          trust: [anchor],
          privateKey: privateJwk,
          storage: { name: `test-${deviceId}` },
          display: { slideSec: 6, emergencySec: 60 },
          onEvent: (e) => w.events.push(e),
        });
      },
      { deviceId, wsUrl: broker.wsUrl, anchor: systemKey.anchor, privateJwk: deviceKey.privateJwk },
    );
    const connected = await page.waitForFunction(() =>
      (window as unknown as PageWindow).events.find((e) => e.type === 'connected'),
    );
    expect(await connected.jsonValue()).toMatchObject({ type: 'connected', url: broker.wsUrl });

    const hello = await system.waitFor((m) => m.type === 'hello' && m.deviceId === deviceId);
    expect(hello.message.body).toMatchObject({
      kind: 'board',
      units: expect.arrayContaining([UNIT]),
      capabilities: { display: { width: 1280, height: 720, color: true } },
    });
    await page.waitForFunction(() =>
      (window as unknown as PageWindow).events.some((e) => e.type === 'welcome'),
    );

    // A normal bulletin on the area topic: shown as a slide with its title, text and picture.
    const normal = await system.sendArea(
      UNIT,
      'bulletin.deliver',
      deliver('tb-1', 'normal', NORMAL_TITLE, NORMAL_TEXT, true),
      {
        ttlSec: 600,
      },
    );
    expect(await system.waitForAck(normal.id)).toMatchObject({ ok: true });
    await page.waitForSelector('.nb-slide h1');
    const slide = await page.evaluate(() => ({
      title: document.querySelector('.nb-slide h1')?.textContent,
      text: document.querySelector('.nb-slide .nb-text')?.textContent,
      lang: (document.querySelector('.nb-slide') as HTMLElement).lang,
      picture: (document.querySelector('.nb-slide img') as HTMLImageElement | null)?.naturalWidth,
      pictureUrl: (document.querySelector('.nb-slide img') as HTMLImageElement | null)?.src.slice(0, 5),
    }));
    expect(slide).toEqual({
      title: NORMAL_TITLE,
      text: NORMAL_TEXT,
      lang: 'vi',
      picture: 640,
      pictureUrl: 'blob:',
    });
    await page.screenshot({ path: join(screenshotDir, 'slide.png') });

    // An emergency takes the whole screen with the red banner and preempts the slide (P-Q1, P-Q4).
    const emergency = await system.send(
      deviceId,
      'bulletin.deliver',
      deliver('kc-1', 'emergency', EMERGENCY_TITLE, EMERGENCY_TEXT, false),
      { ttlSec: 600 },
    );
    expect(await system.waitForAck(emergency.id)).toMatchObject({ ok: true });
    await page.waitForSelector('.nb-emergency');
    const takeover = await page.evaluate(() => {
      const layer = document.querySelector('.nb-emergency') as HTMLElement;
      const rect = layer.getBoundingClientRect();
      return {
        size: `${rect.width}×${rect.height}`,
        banner: layer.querySelector('.nb-banner')?.textContent,
        colour: getComputedStyle(layer.querySelector('.nb-banner') as HTMLElement).backgroundColor,
        title: layer.querySelector('h1')?.textContent,
        slideLeft: document.querySelector('.nb-slide') === null,
      };
    });
    expect(takeover).toEqual({
      size: '1280×720',
      banner: '⚠ Thông báo khẩn cấp',
      colour: 'rgb(200, 16, 46)',
      title: EMERGENCY_TITLE,
      slideLeft: true,
    });
    await page.screenshot({ path: join(screenshotDir, 'emergency-e2e.png') });
    const preempted = await system.waitFor(receiptOf('tb-1', 'preempted'));
    expect(preempted.verified).toBe(true);

    // A revoke clears the emergency at once; the preempted slide comes back and completes.
    const revoke = await system.send(deviceId, 'bulletin.revoke', { bulletinId: 'kc-1' }, { ttlSec: 600 });
    expect(await system.waitForAck(revoke.id)).toMatchObject({ ok: true });
    await page.waitForSelector('.nb-emergency', { state: 'detached', timeout: 3000 });
    const revoked = await system.waitFor(receiptOf('kc-1', 'interrupted'));
    expect(revoked.verified).toBe(true);
    expect(revoked.message.body).toMatchObject({ lang: 'vi', offline: false, reason: 'revoked' });
    const completed = await system.waitFor(receiptOf('tb-1', 'completed'), 15_000);
    expect(completed.verified).toBe(true);
    expect(completed.message.body?.mediaSha256).toBe(pictureRef.sha256);
    const shownMs =
      Date.parse(String(completed.message.body?.endedAt)) -
      Date.parse(String(completed.message.body?.startedAt));
    expect(shownMs).toBeGreaterThanOrEqual(5900);

    // Receipt numbers run 1, 2, 3… without a gap (P-R1), all signed by the board's key (P-S4).
    const seqs = system
      .of(deviceId, 'receipt')
      .filter((m) => m.verified)
      .map((m) => Number(m.message.body?.seq));
    expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual([1, 2, 3]);
    expect(
      await page.evaluate(() => (window as unknown as PageWindow).running.display.showing().layout),
    ).toBe('idle');
    const rotation = () =>
      page.evaluate(() =>
        (window as unknown as PageWindow).running.display.playlist.entries(Date.now()).map((e) => e.title),
      );
    expect(await rotation()).toEqual([NORMAL_TITLE]);

    // Revoking a bulletin also takes it out of the idle rotation of recent titles.
    const revokeNormal = await system.send(
      deviceId,
      'bulletin.revoke',
      { bulletinId: 'tb-1' },
      { ttlSec: 600 },
    );
    expect(await system.waitForAck(revokeNormal.id)).toMatchObject({ ok: true });
    await page.waitForFunction(
      () => (window as unknown as PageWindow).running.display.playlist.entries(Date.now()).length === 0,
    );
    expect(await page.evaluate(() => document.querySelector('.nb-recent')?.textContent)).toBe('');
  });

  it('answers device.selftest with an alarm naming the failed screen check', async () => {
    await page.evaluate(() => {
      (document.getElementById('board') as HTMLElement).style.height = '0';
    });
    const selftest = await system.send(deviceId, 'device.selftest', {}, { ttlSec: 600 });
    expect(await system.waitForAck(selftest.id)).toMatchObject({ ok: true });
    const alarm = await system.waitFor(
      (m) => m.type === 'alarm' && m.deviceId === deviceId && m.message.body?.code === 'selftest_failed',
    );
    expect(String(alarm.message.body?.message)).toContain('screen.size: the board element has no size');
    await page.evaluate(() => {
      (document.getElementById('board') as HTMLElement).style.height = '';
    });
  });

  it('keeps its state in IndexedDB across a page reload', async () => {
    const before = await page.evaluate(async (deviceId) => {
      const w = window as unknown as PageWindow;
      await w.running.stop();
      const store = await w.nguonBoard.IndexedDbStore.open(`test-${deviceId}`);
      const keys = await store.keys();
      await store.set('test/probe', { ngày: '26/11', n: 1 });
      store.close();
      return keys;
    }, deviceId);
    expect(before.length).toBeGreaterThan(0);
    await page.reload();
    await page.waitForFunction(() => 'nguonBoard' in window);
    const after = await page.evaluate(async (deviceId) => {
      const w = window as unknown as PageWindow;
      const store = await w.nguonBoard.IndexedDbStore.open(`test-${deviceId}`);
      const probe = await store.get('test/probe');
      await store.delete('test/probe');
      const result = { probe, keys: await store.keys(), tests: await store.keys('test/') };
      const refused = await store.set('bad', undefined).then(
        () => 'stored',
        (e: Error) => e.message,
      );
      store.close();
      return { ...result, refused };
    }, deviceId);
    expect(after.probe).toEqual({ ngày: '26/11', n: 1 });
    expect(after.keys).toEqual(before);
    expect(after.tests).toEqual([]);
    expect(after.refused).toBe('store bad: expected a JSON value, found undefined');
  });
});

describe('a board whose clock is wrong', () => {
  it('shows the source system time learnt from welcome (P-H5)', async () => {
    const id = `bt-${randomBytes(4).toString('hex')}`;
    const key = await generateDeviceKey(id);
    const ahead = 2 * 3_600_000;
    const skewed = await TestSystem.connect({
      url: broker.url,
      province: PROVINCE,
      key: systemKey,
      now: () => Date.now() + ahead,
    });
    await skewed.register(id, key.anchor);
    try {
      const shown = await page.evaluate(
        async ({ id, wsUrl, anchor, privateJwk, ahead }) => {
          const w = window as unknown as PageWindow;
          const events: DeviceEvent[] = [];
          const board = await w.nguonBoard.startBoard({
            element: '#board',
            deviceId: id,
            province: '52',
            units: ['52001'],
            mqtt: { url: wsUrl },
            trust: [anchor],
            privateKey: privateJwk,
            storage: 'memory',
            onEvent: (e) => events.push(e),
          });
          const deadline = Date.now() + 10_000;
          while (!events.some((e) => e.type === 'welcome') && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
          }
          await new Promise((r) => setTimeout(r, 1100));
          const format = new Intl.DateTimeFormat('vi-VN', {
            hour: '2-digit',
            minute: '2-digit',
            timeZone: 'Asia/Ho_Chi_Minh',
          });
          const result = {
            welcomed: events.some((e) => e.type === 'welcome'),
            clock: document.querySelector('.nb-clock')?.textContent,
            expected: [format.format(Date.now() + ahead), format.format(Date.now() + ahead - 60_000)],
            local: format.format(Date.now()),
          };
          await board.stop();
          return result;
        },
        { id, wsUrl: broker.wsUrl, anchor: systemKey.anchor, privateJwk: key.privateJwk, ahead },
      );
      expect(shown.welcomed).toBe(true);
      expect(shown.expected).toContain(shown.clock);
      expect(shown.clock).not.toBe(shown.local);
    } finally {
      await skewed.close();
    }
  });
});
