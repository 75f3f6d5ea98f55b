// @nguon/device: an emergency bulletin on one area topic, acknowledged by N devices (default 1000,
// first argument; a second argument names an external broker URL), against a baseline of N bare mqtt.js clients that only verify the Ed25519
// signature (node:crypto) and ack. The broker (aedes) runs in another process; devices run here.
// Ours does the whole pipeline: verify (P-S2), persist the executed id and the bulletin, ack, then
// start the play (a 120 s announcement, so its status is part of the measured traffic; later
// deliveries queue behind it). Also the heap per connected device. Run after
// `npx turbo run build --filter=@nguon/device`: node --expose-gc bench/device-fanout.bench.mjs
import { spawn } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DeviceClient, MemoryBlobStore, MemoryStore, NullAdapter } from '@nguon/device';
import { generateDeviceKey, generateTrustKey, TestSystem } from '@nguon/device/test';
import { signCommand } from '@nguon/protocol';
import { nodeBackend } from '@nguon/protocol/node';
import mqtt from 'mqtt';

const N = Number(process.argv[2] ?? 1000);
// A second argument names an external broker (e.g. Mosquitto) instead of aedes in a child process.
const EXTERNAL = process.argv[3];
const PROVINCE = '99';
const UNIT = '99001';
const root = fileURLToPath(new URL('..', import.meta.url));

const gc = () => globalThis.gc?.();
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

async function startBrokerProcess() {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { startBroker } from '@nguon/device/test'; const b = await startBroker(); process.stdout.write(b.url + '\\n');",
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.trim());
    });
    child.on('exit', (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function inBatches(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** A counter of acks for one command id, on a separate connection. */
async function ackCounter(url) {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  // QoS 0: a broker caps the queue of QoS 1 messages per subscriber (Mosquitto: 1000) and drops the rest.
  await client.subscribeAsync(`nguon/v1/${PROVINCE}/dev/+/evt/ack`, { qos: 0 });
  let ref = '';
  let count = 0;
  let done = () => {};
  client.on('message', (_topic, payload) => {
    const body = JSON.parse(payload.toString()).body;
    if (body?.ref === ref && body.ok) {
      count++;
      if (count === N) done();
    }
  });
  return {
    expect(id) {
      ref = id;
      count = 0;
      return new Promise((resolve) => {
        done = resolve;
      });
    },
    close: () => client.endAsync(),
  };
}

const systemKey = await generateTrustKey('bench-system-1');
const spki = Buffer.concat([
  Buffer.from('302a300506032b6570032100', 'hex'),
  Buffer.from(systemKey.anchor.publicKey, 'base64url'),
]);
const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
const deliver = {
  bulletin: {
    id: 'bench-1',
    version: 1,
    category: 'disaster',
    priority: 'emergency',
    title: 'Cảnh báo lũ quét',
    contents: [{ lang: 'vi', text: 'Lũ quét trên sông Ba, người dân di chuyển lên vùng cao.' }],
  },
  playout: { priority: 'emergency', startAt: new Date().toISOString() },
  media: [],
};

const broker = EXTERNAL === undefined ? await startBrokerProcess() : { url: EXTERNAL, stop: () => {} };
const counter = await ackCounter(broker.url);
const publisher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });

// ── Baseline: bare mqtt.js clients that verify and ack ─────────────────────────────────────────
const heap0 = heap();
const bare = await inBatches(
  Array.from({ length: N }, (_, i) => i),
  100,
  async (i) => {
    const deviceId = `bench-bare-${i}`;
    const client = await mqtt.connectAsync(broker.url, { clientId: deviceId, reconnectPeriod: 0 });
    await client.subscribeAsync(`nguon/v1/${PROVINCE}/area/${UNIT}`, { qos: 1 });
    let seq = 0;
    client.on('message', (_topic, payload) => {
      const jws = payload.toString();
      const last = jws.lastIndexOf('.');
      const ok = verify(
        null,
        Buffer.from(jws.slice(0, last)),
        publicKey,
        Buffer.from(jws.slice(last + 1), 'base64url'),
      );
      const id = JSON.parse(Buffer.from(jws.slice(jws.indexOf('.') + 1, last), 'base64url').toString()).id;
      client.publish(
        `nguon/v1/${PROVINCE}/dev/${deviceId}/evt/ack`,
        JSON.stringify({
          v: 1,
          id,
          type: 'ack',
          ts: new Date().toISOString(),
          seq: ++seq,
          body: { ref: id, ok },
        }),
        { qos: 1 },
      );
    });
    return client;
  },
);
const bareHeap = (heap() - heap0) / N;
const bareTimes = [];
for (let run = 0; run < 3; run++) {
  const jws = await signCommand(systemKey.signer, 'bulletin.deliver', deliver, {
    to: `area:${UNIT}`,
    ttlSec: 600,
  });
  const id = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString()).id;
  const acked = counter.expect(id);
  const t0 = performance.now();
  await publisher.publishAsync(`nguon/v1/${PROVINCE}/area/${UNIT}`, jws, { qos: 1 });
  await acked;
  bareTimes.push(performance.now() - t0);
}
await Promise.all(bare.map((c) => c.endAsync()));

// ── Ours: DeviceClient with the full pipeline ──────────────────────────────────────────────────
const system = await TestSystem.connect({ url: broker.url, province: PROVINCE, key: systemKey });
const deviceKey = await generateDeviceKey('bench-device');
let welcomed = 0;
let allWelcomed = () => {};
const welcomedAll = new Promise((resolve) => {
  allWelcomed = resolve;
});
const heap1 = heap();
const devices = await inBatches(
  Array.from({ length: N }, (_, i) => i),
  100,
  async (i) => {
    const deviceId = `bench-dev-${i}`;
    await system.register(deviceId);
    const device = new DeviceClient({
      deviceId,
      province: PROVINCE,
      kind: 'radio',
      units: [UNIT],
      mqtt: { url: broker.url },
      trust: [systemKey.anchor],
      privateKey: deviceKey.privateJwk,
      keyId: deviceId,
      store: new MemoryStore(),
      blobs: new MemoryBlobStore(),
      adapter: new NullAdapter({ kind: 'radio', defaultDurationSec: 120 }),
      vendor: 'bench',
      model: 'null',
      firmware: '0',
      verifyBackend: nodeBackend,
    });
    // Start in batches and wait for each batch's welcome, so that the system's queue never overflows.
    const ready = new Promise((resolve) => {
      device.on('event', (e) => {
        if (e.type === 'welcome') resolve();
        if (e.type === 'welcome' && ++welcomed === N) allWelcomed();
      });
    });
    await device.start();
    await ready;
    return device;
  },
);
await welcomedAll;
const oursHeap = (heap() - heap1) / N;
const oursTimes = [];
for (let run = 0; run < 3; run++) {
  const body = { ...deliver, bulletin: { ...deliver.bulletin, id: `bench-${run}` } };
  const jws = await signCommand(systemKey.signer, 'bulletin.deliver', body, {
    to: `area:${UNIT}`,
    ttlSec: 600,
  });
  const id = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString()).id;
  const acked = counter.expect(id);
  const t0 = performance.now();
  await publisher.publishAsync(`nguon/v1/${PROVINCE}/area/${UNIT}`, jws, { qos: 1 });
  await acked;
  oursTimes.push(performance.now() - t0);
  await Promise.all(devices.map((d) => d.idle()));
}

await Promise.all(devices.map((d) => d.stop()));
await system.close();
await counter.close();
await publisher.endAsync();
broker.stop();

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const ours = median(oursTimes);
const base = median(bareTimes);
console.log(`devices: ${N}, broker: ${EXTERNAL ?? 'aedes in another process'}, median of 3 deliveries`);
console.log(
  `device-fanout ack: ours ${ours.toFixed(0)} ms, baseline ${base.toFixed(0)} ms, ratio ${(ours / base).toFixed(2)} (target ≤ 1.5)`,
);
console.log(
  `device-heap per device: ours ${(oursHeap / 1024).toFixed(1)} KB, baseline ${(bareHeap / 1024).toFixed(1)} KB, ratio ${(oursHeap / bareHeap).toFixed(2)} (target ≤ 50 KB)`,
);
