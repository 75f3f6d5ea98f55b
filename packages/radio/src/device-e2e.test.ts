import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceClient, type DeviceEvent, MemoryStore } from '@nguon/device';
import { FileBlobStore } from '@nguon/device/node';
import {
  generateDeviceKey,
  generateTrustKey,
  startBroker,
  type TestBroker,
  TestSystem,
} from '@nguon/device/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandPlayer } from './command-player';
import { RadioAdapter } from './radio-adapter';
import { serve, serveIcecast, tempDir, writeSineMp3 } from './test-media';
import { EspeakTts } from './tts';

describe('a DeviceClient with RadioAdapter and real players, end to end over MQTT', () => {
  let broker: TestBroker;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let http: Awaited<ReturnType<typeof serve>>;
  let mp3: Uint8Array;

  beforeAll(async () => {
    broker = await startBroker();
    dir = await tempDir();
    mp3 = new Uint8Array(await readFile(await writeSineMp3(dir.dir, 'notice.mp3', 1.5)));
    http = await serve((req, res) => {
      if (req.url !== '/media/notice.mp3') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': mp3.byteLength }).end(mp3);
    });
  });
  afterAll(async () => {
    await http.close();
    await broker.close();
    await dir.remove();
  });

  it('plays a signed emergency bulletin (attention tone, then the MP3) and a text bulletin by TTS; receipts say completed', async () => {
    const province = '52';
    const unit = '52001';
    const deviceId = 'loa-e2e-001';
    const systemKey = await generateTrustKey('system-e2e');
    const deviceKey = await generateDeviceKey(deviceId);
    const system = await TestSystem.connect({ url: broker.url, province, key: systemKey });
    await system.register(deviceId, deviceKey.anchor);
    const player = await CommandPlayer.detect({ output: 'null' });
    const adapter = new RadioAdapter({ player, tts: await EspeakTts.detect(), attentionSignalSec: 1 });
    const device = new DeviceClient({
      deviceId,
      province,
      kind: 'radio',
      units: [unit],
      mqtt: { url: broker.url },
      trust: [systemKey.anchor],
      privateKey: deviceKey.privateJwk,
      store: new MemoryStore(),
      blobs: new FileBlobStore(join(dir.dir, 'blobs')),
      adapter,
      vendor: 'nguon',
      model: 'radio-e2e',
      firmware: '0.1.0',
    });
    const events: DeviceEvent[] = [];
    device.on('event', (e) => events.push(e));
    try {
      await device.start();
      const hello = await system.waitFor((m) => m.deviceId === deviceId && m.type === 'hello');
      expect(hello.message.body).toMatchObject({
        capabilities: {
          audio: { codecs: expect.arrayContaining(['mp3']), tts: expect.arrayContaining(['vi']) },
        },
      });
      await system.waitFor((m) => m.deviceId === deviceId && m.type === 'status');

      const sha256 = createHash('sha256').update(mp3).digest('hex');
      const sentAt = Date.now();
      const { id } = await system.send(
        deviceId,
        'bulletin.deliver',
        {
          bulletin: {
            id: 'bt-e2e-1',
            version: 1,
            category: 'disaster',
            priority: 'emergency',
            title: 'Cảnh báo lũ',
            contents: [{ lang: 'vi', title: 'Cảnh báo lũ', mediaSha256: sha256 }],
          },
          playout: { priority: 'emergency', startAt: new Date(Date.now() - 1000).toISOString() },
          media: [
            {
              url: `${http.url}/media/notice.mp3`,
              sha256,
              size: mp3.byteLength,
              mime: 'audio/mpeg',
              durationSec: 1.5,
            },
          ],
        },
        { ttlSec: 600 },
      );
      expect(await system.waitForAck(id)).toMatchObject({ ok: true });
      const receipt = await system.waitFor((m) => m.deviceId === deviceId && m.type === 'receipt', 15_000);
      expect(receipt.verified).toBe(true);
      expect(receipt.message.body).toMatchObject({
        seq: 1,
        bulletinId: 'bt-e2e-1',
        mediaSha256: sha256,
        outcome: 'completed',
      });
      // 1 s attention tone + 1.5 s of MP3, decoded in real time.
      const body = receipt.message.body as { startedAt: string; endedAt: string };
      const played = (Date.parse(body.endedAt) - Date.parse(body.startedAt)) / 1000;
      expect(played).toBeGreaterThan(2.4);
      expect(played).toBeLessThan(3.6);
      expect(Date.now() - sentAt).toBeLessThan(8000);

      const text = await system.send(
        deviceId,
        'bulletin.deliver',
        {
          bulletin: {
            id: 'bt-e2e-2',
            version: 1,
            category: 'policy',
            priority: 'normal',
            title: 'Họp dân',
            contents: [{ lang: 'vi', text: 'Mời bà con dự họp lúc tám giờ.' }],
          },
          playout: { priority: 'normal', startAt: new Date(Date.now() - 1000).toISOString() },
          media: [],
        },
        { ttlSec: 600 },
      );
      expect(await system.waitForAck(text.id)).toMatchObject({ ok: true });
      const spoken = await system.waitFor(
        (m) => m.deviceId === deviceId && m.type === 'receipt' && m.message.body?.bulletinId === 'bt-e2e-2',
        15_000,
      );
      expect(spoken.message.body).toMatchObject({ seq: 2, lang: 'vi', outcome: 'completed' });

      // live.start: relay an Icecast stream until its `until`, then the relay ends completed.
      const icecast = await serveIcecast(mp3);
      try {
        const until = new Date(Date.now() + 2500).toISOString();
        const live = await system.send(
          deviceId,
          'live.start',
          { url: `${icecast.url}/live.mp3`, format: 'icecast', priority: 'priority', until },
          { ttlSec: 600 },
        );
        expect(await system.waitForAck(live.id)).toMatchObject({ ok: true });
        await system.waitFor(
          (m) => m.deviceId === deviceId && m.type === 'status' && m.message.body?.state === 'live',
        );
        const ended = await new Promise<DeviceEvent>((resolve) => {
          const check = (e: DeviceEvent) => {
            if (e.type === 'play.end' && e.bulletinId === live.id) resolve(e);
          };
          for (const e of events) check(e);
          device.on('event', check);
        });
        expect(ended).toMatchObject({ outcome: 'completed' });
        const relayed =
          ended.type === 'play.end' ? Date.parse(ended.endedAt) - Date.parse(ended.startedAt) : 0;
        expect(relayed).toBeGreaterThan(2000);
        expect(relayed).toBeLessThan(3500);
      } finally {
        await icecast.close();
      }
    } finally {
      await device.stop();
      await system.close();
    }
  });
});
