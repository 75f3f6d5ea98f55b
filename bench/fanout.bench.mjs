// Fan-out: one emergency bulletin published once on an area topic, acknowledged by N devices
// (env N, default 10000). Baseline: N bare mqtt.js clients that verify ONE Ed25519 signature with
// node:crypto and publish an ack. Ours: N real DeviceClients from @nguon/testkit's simulator (full
// pipeline: P-S2 verification, replay check, journal, ack, then playout). Timed from just before
// the publish to the last ack seen by the system; the connect phase is not timed. The broker runs
// in another process: aedes (child process) and Mosquitto when reachable (env MQTT_URL, or
// 127.0.0.1:1883; env BROKERS=aedes or BROKERS=mosquitto picks one).
// Run after `npx turbo run build --filter=@nguon/testkit`: node --expose-gc bench/fanout.bench.mjs
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
const RUNS = Number(process.env.RUNS ?? 3);
const PROVINCE = '99'; // no such province: keeps this traffic apart from other users of a shared broker
const UNIT = '99';
const CONCURRENCY = 200;

// The bench stops by itself whatever happens.
setTimeout(() => {
  console.error('fanout: gave up after 10 minutes');
  process.exit(3);
}, 10 * 60_000).unref();

const limit = openFilesLimit();
if (limit !== undefined && limit.soft < N + 300) {
  console.error(
    `fanout: N=${N} needs about ${N + 300} open files in this process (one socket per device), but ulimit -n is ${limit.soft}.\n` +
      `Raise it first (\`ulimit -n ${Math.min(limit.hard, N + 1000)}\`, hard limit ${limit.hard}) or run with a smaller N.`,
  );
  process.exit(2);
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

async function baseline(url, key, system) {
  const spki = Buffer.concat([
    Buffer.from('302a300506032b6570032100', 'hex'),
    Buffer.from(key.anchor.publicKey, 'base64url'),
  ]);
  const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const topic = areaTopic(PROVINCE, UNIT);
  const t0 = performance.now();
  const clients = await pool(N, CONCURRENCY, async (i) => {
    const deviceId = `bare-${String(i).padStart(5, '0')}`;
    const client = await mqtt.connectAsync(url, { clientId: deviceId, reconnectPeriod: 0 });
    await client.subscribeAsync(topic, { qos: 1 });
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
  const connectMs = performance.now() - t0;
  const times = [];
  for (let run = 0; run <= RUNS; run++) {
    const sent = await system.publishArea(UNIT, 'bulletin.deliver', deliverBody(`bench-bare-${run}`), {
      ttlSec: 600,
    });
    const tally = await system.waitForAcks(sent.id, N, 120_000).catch((e) => {
      console.log(`  baseline run ${run}: ${e.message}`);
      return { lastMs: Number.NaN };
    });
    if (run > 0) times.push(tally.lastMs); // run 0 warms up the JIT, untimed
    await sleep(500);
  }
  await pool(clients.length, CONCURRENCY, (i) => clients[i].endAsync());
  return { times, connectMs };
}

async function ours(url, key, system) {
  const sim = new DeviceSimulator({
    url,
    province: PROVINCE,
    count: N,
    trust: [key.anchor],
    idPrefix: 'dev',
    memberships: () => ({ commune: '99001', units: ['99001'] }),
    readyOn: 'welcome',
    concurrency: CONCURRENCY,
    readyTimeoutMs: 120_000,
    // Plays (and so receipts: device signs, system verifies and commits) outlast the timed window,
    // as a real announcement does; with 1 s plays the receipts of early devices compete with the
    // acks of late ones.
    playDurationSec: 15,
  });
  system.receiptKeys = (id) => sim.anchor(id);
  const connectMs = await sim.start();
  const times = [];
  const receiptMs = [];
  const latency = [];
  for (let run = 0; run <= RUNS; run++) {
    const sent = await system.publishArea(UNIT, 'bulletin.deliver', deliverBody(`bench-dev-${run}`), {
      ttlSec: 600,
    });
    const tally = await system.waitForAcks(sent.id, N, 120_000).catch((e) => {
      console.log(`  ours run ${run}: ${e.message}`);
      return { ...system.acks(sent.id), lastMs: Number.NaN };
    });
    if (tally.ok !== N || tally.duplicates !== 0) console.log(`  warning: ${JSON.stringify(tally)}`);
    if (run > 0) {
      times.push(tally.lastMs); // run 0 warms up the JIT, untimed
      latency.push(sim.acksFor(sent.id).latency);
    }
    // Outside the timed window: plays end after 15 s, then receipts are signed, verified, committed.
    const t0 = performance.now();
    const want = N * (run + 1);
    while (system.receiptStats().verified < want && performance.now() - t0 < 120_000) await sleep(50);
    if (run > 0) receiptMs.push(performance.now() - t0);
    await sim.idle();
  }
  const stats = sim.stats();
  const receipts = system.receiptStats();
  const t0 = performance.now();
  const teardown = (async () => {
    const left = await sim.stop();
    await system.clearPresence(sim.deviceIds);
    return left;
  })();
  const left = await Promise.race([teardown, sleep(60_000).then(() => 'not done in 60 s')]);
  const stopMs = performance.now() - t0;
  return { times, connectMs, receiptMs, latency, stats, receipts, left, stopMs };
}

const brokers = [];
const wanted = process.env.BROKERS ?? 'aedes,mosquitto';
if (wanted.includes('aedes'))
  brokers.push({ name: 'aedes (child process)', launch: () => startAedesProcess() });
if (wanted.includes('mosquitto')) {
  if (await isBrokerReachable(mosquittoUrl())) {
    brokers.push({
      name: `Mosquitto (${new URL(mosquittoUrl()).host})`,
      launch: () => externalBroker(mosquittoUrl()),
    });
  } else console.log(`Mosquitto not reachable at ${mosquittoUrl()}: skipped`);
}

const key = await generateSystemKey('bench-system-1');
console.log(
  `devices: ${N} in this process, ${RUNS} timed deliveries each after one untimed warm-up, ulimit -n ${limit?.soft ?? 'unknown'}, Node ${process.version}`,
);
for (const b of brokers) {
  const broker = await b.launch();
  const system = await SystemPublisher.connect({
    url: broker.url,
    province: PROVINCE,
    key,
    heartbeatSec: 300,
    // One subscriber for every ack: QoS 0 so that Mosquitto's default per-client QoS 1 queue
    // (max_queued_messages 1000, max_inflight_messages 20) neither drops nor throttles acks.
    listenQos: 0,
  });
  const base = await baseline(broker.url, key, system);
  await sleep(1000);
  const our = await ours(broker.url, key, system);
  await Promise.race([system.close(), sleep(5000)]);
  await broker.stop();
  const o = median(our.times);
  const bl = median(base.times);
  console.log(`\n${b.name}`);
  console.log(
    `  connect (not timed): bare ${(base.connectMs / 1000).toFixed(1)} s, DeviceClient+welcome ${(our.connectMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  baseline runs ${base.times.map((t) => t.toFixed(0)).join(', ')} ms; ours runs ${our.times.map((t) => t.toFixed(0)).join(', ')} ms`,
  );
  const lat = our.latency[our.times.indexOf(median(our.times))];
  console.log(
    `  ours device-side ack latency (median run): p50 ${lat?.p50} ms, p99 ${lat?.p99} ms, max ${lat?.max} ms`,
  );
  console.log(
    `  after the acks: all ${N} receipts verified and committed (after 15 s plays) in ${our.receiptMs.map((t) => (t / 1000).toFixed(1)).join(', ')} s; ` +
      `receipts ${JSON.stringify(our.receipts)}, device errors ${our.stats.errors}, alarms ${JSON.stringify(our.stats.alarms)}, online after stop ${our.left} (stop + presence cleanup ${(our.stopMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `fanout ${b.name}: ours ${o.toFixed(0)} ms, baseline ${bl.toFixed(0)} ms, ratio ${(o / bl).toFixed(2)} (target ≤ 1.5)`,
  );
}
process.exit(0);
