// Footprint: JS heap per simulated device at N devices (env N, default 10000) after connect and one
// bulletin, measured with global.gc() (run with --expose-gc; bench/run.mjs passes it). Baseline: N
// bare mqtt.js clients subscribed to the area topic that verify the bulletin's Ed25519 signature
// and ack. Ours: N DeviceClients from @nguon/testkit's simulator (MemoryStore, memory media cache,
// NullAdapter), welcomed, holding the acked bulletin and its committed receipt. The broker (aedes)
// runs in another process (Mosquitto, or aedes in a child), so its memory is not counted. Env BREAKDOWN=1 adds where ours goes:
// the heap after constructing the clients, after connect + welcome, after the bulletin.
// Run after `npx turbo run build --filter=@nguon/testkit`: node --expose-gc bench/footprint.bench.mjs
import { createPublicKey, verify } from 'node:crypto';
import { areaTopic, eventTopic } from '@nguon/protocol';
import {
  DeviceSimulator,
  externalBroker,
  generateSystemKey,
  isBrokerReachable,
  mosquittoUrl,
  openFilesLimit,
  SystemPublisher,
  startAedesProcess,
} from '@nguon/testkit';
import mqtt from 'mqtt';

const N = Number(process.env.N ?? 10_000);
const PROVINCE = '99';
const UNIT = '99';
const CONCURRENCY = 200;

setTimeout(() => {
  console.error('footprint: gave up after 8 minutes');
  process.exit(3);
}, 8 * 60_000).unref();

if (typeof globalThis.gc !== 'function') {
  console.error('footprint: run with --expose-gc (node --expose-gc bench/footprint.bench.mjs)');
  process.exit(2);
}
const limit = openFilesLimit();
if (limit !== undefined && limit.soft < N + 300) {
  console.error(
    `footprint: N=${N} needs about ${N + 300} open files (one socket per device), but ulimit -n is ${limit.soft}; ` +
      `raise it (\`ulimit -n ${Math.min(limit.hard, N + 1000)}\`) or lower N.`,
  );
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function heap() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function deliverBody(id) {
  return {
    bulletin: {
      id,
      version: 1,
      category: 'disaster',
      priority: 'emergency',
      title: 'Cảnh báo lũ quét',
      contents: [{ lang: 'vi', text: 'Lũ quét trên sông Ba, người dân di chuyển lên vùng cao ngay.' }],
    },
    playout: { priority: 'emergency', startAt: new Date().toISOString() },
    media: [],
  };
}

async function pool(count, concurrency, fn) {
  const out = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

// Mosquitto when reachable (10,000 devices connect in seconds), else aedes in a child process
// (aedes scans every retained message on each subscribe, so 10,000 retained presences make its
// connect phase quadratic: minutes). Env BROKER=aedes forces aedes. Either way not in this process.
const broker =
  process.env.BROKER !== 'aedes' && (await isBrokerReachable(mosquittoUrl()))
    ? await externalBroker(mosquittoUrl())
    : await startAedesProcess();
const key = await generateSystemKey('bench-system-1');
const system = await SystemPublisher.connect({
  url: broker.url,
  province: PROVINCE,
  key,
  heartbeatSec: 300,
  listenQos: 0,
});

// ── Baseline ────────────────────────────────────────────────────────────────────────────────────
const spki = Buffer.concat([
  Buffer.from('302a300506032b6570032100', 'hex'),
  Buffer.from(key.anchor.publicKey, 'base64url'),
]);
const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
const h0 = await heap();
let clients = await pool(N, CONCURRENCY, async (i) => {
  const deviceId = `bare-${String(i).padStart(5, '0')}`;
  const client = await mqtt.connectAsync(broker.url, { clientId: deviceId, reconnectPeriod: 0 });
  await client.subscribeAsync(areaTopic(PROVINCE, UNIT), { qos: 1 });
  const ackTopic = eventTopic(PROVINCE, deviceId, 'ack');
  let seq = 0;
  client.on('message', (_t, payload) => {
    const jws = payload.toString();
    const dot1 = jws.indexOf('.');
    const dot2 = jws.lastIndexOf('.');
    const ok = verify(
      null,
      Buffer.from(jws.slice(0, dot2)),
      publicKey,
      Buffer.from(jws.slice(dot2 + 1), 'base64url'),
    );
    const { id } = JSON.parse(Buffer.from(jws.slice(dot1 + 1, dot2), 'base64url').toString());
    const ack = { v: 1, id, type: 'ack', ts: new Date().toISOString(), seq: ++seq, body: { ref: id, ok } };
    client.publish(ackTopic, JSON.stringify(ack), { qos: 1 });
  });
  return client;
});
let sent = await system.publishArea(UNIT, 'bulletin.deliver', deliverBody('bench-bare'), { ttlSec: 600 });
await system.waitForAcks(sent.id, N, 120_000);
await sleep(500);
const h1 = await heap();
const bare = (h1 - h0) / N;
await pool(clients.length, CONCURRENCY, (i) => clients[i].endAsync());
clients = undefined;
await sleep(1000);

// ── Ours ────────────────────────────────────────────────────────────────────────────────────────
const h2 = await heap();
const sim = new DeviceSimulator({
  url: broker.url,
  province: PROVINCE,
  count: N,
  trust: [key.anchor],
  idPrefix: 'dev',
  memberships: () => ({ commune: '99001', units: ['99001'] }),
  readyOn: 'welcome',
  concurrency: CONCURRENCY,
  readyTimeoutMs: 120_000,
  playDurationSec: 1,
});
system.receiptKeys = (id) => sim.anchor(id);
await sim.start();
await sim.idle();
await sleep(500);
const h3 = await heap();
sent = await system.publishArea(UNIT, 'bulletin.deliver', deliverBody('bench-dev'), { ttlSec: 600 });
await system.waitForAcks(sent.id, N, 120_000);
const t0 = performance.now();
while (system.receiptStats().verified < N && performance.now() - t0 < 120_000) await sleep(50);
await sim.idle();
await sleep(500);
const h4 = await heap();
const ours = (h4 - h2) / N;
const s = sim.stats();
console.log(
  `devices: ${N}, broker ${broker.kind === 'external' ? broker.url : 'aedes in a child process'}, Node ${process.version}; ours after welcome + one bulletin ` +
    `(played ${s.playsEnded}, receipts ${system.receiptStats().verified} verified and committed)`,
);
console.log(
  `footprint heap per device: ours ${kb(ours)}, baseline ${kb(bare)}, ratio ${(ours / bare).toFixed(2)} (target ours ≤ 50 KB)`,
);
console.log(
  `  ours: connected + welcomed ${kb((h3 - h2) / N)}/device, + one bulletin ${kb((h4 - h3) / N)}/device`,
);
if (process.env.BREAKDOWN === '1') {
  // Where a DeviceClient's bytes go: the clients alone, not started (options, keys, stores, adapter).
  const h5 = await heap();
  const { DeviceClient, MemoryStore, MemoryBlobStore, NullAdapter } = await import('@nguon/device');
  const { deviceKeyPair } = await import('@nguon/testkit');
  const keys = Array.from({ length: 1000 }, (_, i) => deviceKeyPair(`idle-${String(i).padStart(5, '0')}`));
  const h6 = await heap();
  const idle = keys.map(
    (k, i) =>
      new DeviceClient({
        deviceId: `idle-${String(i).padStart(5, '0')}`,
        province: PROVINCE,
        kind: 'radio',
        units: ['99001'],
        mqtt: { url: broker.url },
        trust: [key.anchor],
        privateKey: k.privateJwk,
        store: new MemoryStore(),
        blobs: new MemoryBlobStore(),
        adapter: new NullAdapter(),
        vendor: 'x',
        model: 'y',
        firmware: '1',
      }),
  );
  const h7 = await heap();
  console.log(
    `  breakdown: key pair ${kb((h6 - h5) / 1000)}, DeviceClient constructed but not started ${kb((h7 - h6) / 1000)} (of 1000)`,
  );
  idle.length = 0;
}
const teardown = (async () => {
  await sim.stop();
  await system.clearPresence(sim.deviceIds);
  await system.close();
  await broker.stop();
})();
if ((await Promise.race([teardown.then(() => 'done'), sleep(60_000)])) !== 'done') {
  console.log('  teardown (stop, clear presence) did not finish within 60 s');
}
process.exit(0);
