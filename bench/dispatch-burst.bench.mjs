// A burst of receipts must not hold up the next command (DESIGN.md: "a burst of 10,000 receipts after
// a province-wide emergency must not delay dispatch of the next command by more than 100 ms").
// The whole source system (startSystem: SQLite file, embedded broker, dispatcher, HTTP API) runs in
// this process; SENDERS registered devices publish pre-signed receipts (QoS 1) from a worker thread,
// as devices elsewhere would; one more device, a bare mqtt.js client, listens on its commune's area
// topic. Each repetition times an HTTP publish of an emergency bulletin until that device has the
// command: once with the system idle (baseline), once right after 10,000 receipts were published.
// Run after `npx turbo run build --filter=@nguon/server...`:
// node bench/dispatch-burst.bench.mjs   (REPS=5 repetitions by default)
import { generateKeyPairSync, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { areaTopic, deviceSubscriptions, eventTopic } from '@nguon/protocol';
import mqtt from 'mqtt';
import { signedReceipt } from './signed-receipts.mjs';

const P = '52';
const UNIT = '24065'; // Xã Ia Rbol
const SENDERS = 100;
const PER_BURST = 100; // receipts per sender per burst: 10,000 in all
const BURST = SENDERS * PER_BURST;
const REPS = Number(process.env.REPS ?? 5);
const TARGET_MS = 100;

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

if (!isMainThread) await senders();
else {
  console.log(
    `node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await main('embedded');
  // The same with an external broker (Mosquitto, anonymous): the broker's routing leaves our process.
  await main('mosquitto').catch((error) => console.log(`Mosquitto at ${MQTT_URL} skipped: ${error.message}`));
}

// ── the devices that send the burst (a worker thread: their MQTT work is not the server's) ──
async function senders() {
  const { url, password, devices } = workerData;
  const clients = await Promise.all(
    devices.map(
      (d) =>
        new Promise((resolve, reject) => {
          const c = mqtt.connect(url, { clientId: d.id, username: d.id, password, reconnectPeriod: 0 });
          c.once('connect', () => resolve(c));
          c.once('error', reject);
        }),
    ),
  );
  parentPort.on('message', async ({ rep }) => {
    const acked = [];
    for (let i = 0; i < PER_BURST; i++)
      for (const [n, c] of clients.entries())
        acked.push(c.publishAsync(devices[n].topic, devices[n].receipts[rep][i], { qos: 1 }));
    parentPort.postMessage({ published: true });
    await Promise.all(acked);
    parentPort.postMessage({ acked: true });
  });
  parentPort.postMessage({ ready: true });
}

// ── the system, the listener and the measurements ──
async function main(broker) {
  const { startSystem } = await import('@nguon/server');
  const { default: pino } = await import('pino');
  const dir = mkdtempSync(join(tmpdir(), 'nguon-burst-bench-'));
  const system = await startSystem({
    httpPort: 0,
    mqttPort: 0,
    wsPort: false,
    dataDir: dir,
    ...(broker === 'mosquitto'
      ? { mqttUrl: MQTT_URL, sharedGroup: `bench-${randomBytes(3).toString('hex')}` }
      : {}),
    logger: pino({ level: 'silent' }),
  });
  const run = randomBytes(3).toString('hex');
  // One password for every bench device, hashed as the registration route stores it ($7$, PBKDF2).
  const password = randomBytes(32).toString('base64url');
  const salt = randomBytes(12);
  const secretHash = `$7$101$${salt.toString('base64')}$${pbkdf2Sync(password, salt, 101, 64, 'sha512').toString('base64')}`;
  const T0 = Date.now() - 86_400_000;
  const devices = [];
  for (let d = 0; d < SENDERS; d++) {
    const id = `loa-${run}-${String(d).padStart(3, '0')}`;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const receipts = [];
    for (let rep = 0; rep <= REPS; rep++) {
      const burst = [];
      for (let i = 0; i < PER_BURST; i++) {
        const seq = rep * PER_BURST + i + 1;
        burst.push(signedReceipt({ kid: id, privateKey, seq, eventSeq: 1000 + seq, t0: T0 }));
      }
      receipts.push(burst);
    }
    devices.push({
      id,
      publicKey: publicKey.export({ format: 'jwk' }).x,
      receipts,
      topic: eventTopic(P, id, 'receipt'),
    });
  }
  const listenerId = `loa-${run}-listener`;
  const rows = [
    ...devices.map((d) => ({ id: d.id, publicKey: d.publicKey })),
    { id: listenerId, publicKey: devices[0].publicKey },
  ];
  const now = new Date().toISOString();
  await system.db.kysely
    .insertInto('devices')
    .values(
      rows.map((d) => ({
        id: d.id,
        kind: 'radio',
        units: JSON.stringify([UNIT]),
        vendor: 'bench',
        model: 'bench',
        public_key: d.publicKey,
        firmware: null,
        created_at: now,
        body: '{}',
        secret_hash: secretHash,
        unit_path: `|${UNIT}|${P}|`,
      })),
    )
    .execute();

  // The listener: a bare client on the area topic, resolving the waiter whose bulletin id it sees.
  const listener = await mqtt.connectAsync(system.mqtt, {
    clientId: listenerId,
    username: listenerId,
    password,
    reconnectPeriod: 0,
  });
  await listener.subscribeAsync(deviceSubscriptions(P, listenerId, [UNIT]), { qos: 1 });
  const waiting = new Map();
  const area = areaTopic(P, UNIT);
  listener.on('message', (topic, payload) => {
    if (topic !== area) return;
    const body = Buffer.from(payload.toString().split('.')[1] ?? '', 'base64url').toString();
    for (const [id, resolve] of waiting) if (body.includes(id)) resolve(performance.now());
  });

  const api = async (method, path, token, body) => {
    const res = await fetch(`${system.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const token = async (role) =>
    (await api('POST', '/v1/tokens', system.adminToken, { role, units: [P], label: role })).token;
  const editor = await token('editor');
  const approver = await token('approver');
  // Created untimed; the timed part is the publish call until the device has the command.
  const dispatchMs = async () => {
    const created = await api('POST', '/v1/bulletins', editor, {
      category: 'disaster_emergency',
      priority: 'emergency',
      channels: ['radio_ip'],
      contents: [
        { lang: 'vi', title: 'Cảnh báo lũ quét', text: 'Người dân khẩn trương di chuyển lên vùng cao.' },
      ],
      targets: { units: { at: '2025-07-01', codes: [UNIT] } },
      schedule: {
        start: new Date(Date.now() - 60_000).toISOString(),
        end: new Date(Date.now() + 3_600_000).toISOString(),
      },
      issuer: { name: 'Ủy ban nhân dân tỉnh Gia Lai', unitCode: P },
    });
    const received = new Promise((resolve) => waiting.set(created.id, resolve));
    const start = performance.now();
    await api('POST', `/v1/bulletins/${created.id}/publish`, approver, { approve: true });
    const at = await Promise.race([received, new Promise((r) => setTimeout(() => r(Number.NaN), 30_000))]);
    waiting.delete(created.id);
    return at - start;
  };

  const worker = new Worker(new URL(import.meta.url), {
    workerData: {
      url: system.mqtt,
      password,
      devices: devices.map(({ id, topic, receipts }) => ({ id, topic, receipts })),
    },
  });
  worker.on('error', (error) => {
    console.error(error);
    process.exit(1);
  });
  const fromWorker = (key) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m[key]) {
          worker.off('message', on);
          resolve();
        }
      };
      worker.on('message', on);
    });
  await fromWorker('ready');
  const stored = () => system.dispatcher.stats().receipts.stored;
  // Waits until the burst is stored, or until nothing more arrives for 3 s (a broker that dropped
  // messages: Mosquitto keeps at most max_queued_messages, 1000 by default, for a slow subscriber).
  const allStored = async (count) => {
    const start = performance.now();
    let last = stored();
    let lastAt = start;
    while (stored() < count) {
      await new Promise((r) => setTimeout(r, 10));
      if (stored() !== last) [last, lastAt] = [stored(), performance.now()];
      else if (performance.now() - lastAt > 3000) break;
    }
    return lastAt - start;
  };
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();

  console.log(
    `${broker === 'embedded' ? 'embedded broker (aedes, in this process)' : `external broker (${MQTT_URL})`}: ${BURST} receipts per burst from ${SENDERS} devices, SQLite file, load ${loadavg()[0].toFixed(2)}`,
  );
  // Warm-up: the first publish and the first burst compile and fill every cache.
  await dispatchMs();
  {
    const published = fromWorker('published');
    worker.postMessage({ rep: 0 });
    await published;
    await allStored(stored() + BURST);
  }
  const idle = [];
  const busy = [];
  for (let rep = 1; rep <= REPS; rep++) {
    await new Promise((r) => setTimeout(r, 200));
    idle.push(await dispatchMs());
    const published = fromWorker('published');
    const acked = fromWorker('acked');
    const storedBefore = stored();
    const burstStart = performance.now();
    lag.reset();
    worker.postMessage({ rep });
    await published;
    busy.push(await dispatchMs());
    const lagMax = lag.max / 1e6;
    await acked;
    const storedMs = performance.now() - burstStart + (await allStored(storedBefore + BURST));
    const got = stored() - storedBefore;
    console.log(
      `  rep ${rep}: idle ${idle.at(-1).toFixed(1)} ms, during burst ${busy.at(-1).toFixed(1)} ms; ${got === BURST ? 'burst' : `${got} receipts (the broker dropped ${BURST - got})`} stored in ${storedMs.toFixed(0)} ms (${Math.round((got / storedMs) * 1000)}/s), event loop delay max ${lagMax.toFixed(0)} ms, load ${loadavg()[0].toFixed(2)}`,
    );
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(idle);
  const ours = median(busy);
  const extra = ours - base;
  console.log(
    `  dispatch of the next command: idle ${base.toFixed(1)} ms, during a ${BURST}-receipt burst ${ours.toFixed(1)} ms (medians of ${REPS}; range ${Math.min(...busy).toFixed(0)}–${Math.max(...busy).toFixed(0)} ms), delay ${extra.toFixed(1)} ms (target ≤ ${TARGET_MS} ms: ${extra <= TARGET_MS ? 'met' : 'MISSED'}), ratio ${(ours / base).toFixed(1)}×`,
  );
  lag.disable();
  await worker.terminate();
  await listener.endAsync();
  await system.stop();
  rmSync(dir, { recursive: true, force: true });
}
