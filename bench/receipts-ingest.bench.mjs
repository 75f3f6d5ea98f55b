// Receipt ingestion (protocol v1 §8): ReceiptIngest verifies, deduplicates and stores receipts, on
// SQLite (a WAL file) and PostgreSQL (a throwaway schema), against the rate at which this machine can
// merely verify the same Ed25519 signatures with bare node:crypto on all its cores (worker_threads,
// the same chunks of 128). Run after `npx turbo run build --filter=@nguon/server`:
// node bench/receipts-ingest.bench.mjs   (RUNS=1 for one round, DATABASE_URL for another PostgreSQL)
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDatabase, ReceiptIngest } from '@nguon/server';
import pg from 'pg';
import { signedReceipt } from './signed-receipts.mjs';

const DEVICES = 1000;
const PER_DEVICE = 20;
const N = DEVICES * PER_DEVICE;
const CHUNK = 128;
const ROUNDS = Number(process.env.RUNS ?? 3);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const threads = availableParallelism();

// Devices and their signed receipts (a compact JWS exactly as @nguon/device publishes it).
const T0 = Date.parse('2026-11-26T08:00:00.000Z');
function makeDevices(prefix, count, perDevice) {
  const devices = [];
  for (let d = 0; d < count; d++) {
    const id = `${prefix}-${d}`;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const receipts = [];
    for (let seq = 1; seq <= perDevice; seq++) {
      receipts.push(
        signedReceipt({
          kid: id,
          privateKey,
          seq,
          eventSeq: 100 + seq,
          t0: T0,
          extra: { mediaSha256: 'a3f1c9a0e5b7d2c4f6e8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e' },
        }),
      );
    }
    devices.push({ id, publicKey: publicKey.export({ format: 'jwk' }).x, receipts });
  }
  return devices;
}
// Interleaved as they would arrive: receipt 1 of every device, then receipt 2…
function arrivals(devices, perDevice) {
  const out = [];
  for (let seq = 0; seq < perDevice; seq++) for (const d of devices) out.push([d.id, d.receipts[seq]]);
  return out;
}

// Baseline: bare node:crypto verify on every core, KeyObjects cached per key, same chunking.
const BASELINE_WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
parentPort.on('message', ({ id, raws, publicKeys }) => {
  let ok = 0;
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i];
    let key = keys.get(publicKeys[i]);
    if (!key) keys.set(publicKeys[i], (key = createPublicKey({ key: Buffer.concat([PREFIX, Buffer.from(publicKeys[i], 'base64url')]), format: 'der', type: 'spki' })));
    const last = raw.lastIndexOf('.');
    if (verify(null, Buffer.from(raw.slice(0, last), 'latin1'), key, Buffer.from(raw.slice(last + 1), 'base64url'))) ok++;
  }
  parentPort.postMessage({ id, ok });
});`;
async function baseline(items) {
  const workers = Array.from({ length: threads }, () => new Worker(BASELINE_WORKER, { eval: true }));
  const busy = workers.map(() => 0);
  const run = async () => {
    let ok = 0;
    let next = 0;
    const waiting = new Map();
    for (const [i, w] of workers.entries())
      w.on('message', (m) => {
        busy[i] -= waiting.get(m.id).n;
        ok += m.ok;
        waiting.get(m.id).resolve();
        waiting.delete(m.id);
      });
    const start = performance.now();
    const done = [];
    for (let i = 0; i < items.length; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      let best = 0;
      for (let w = 1; w < workers.length; w++) if (busy[w] < busy[best]) best = w;
      busy[best] += chunk.length;
      const id = next++;
      done.push(new Promise((resolve) => waiting.set(id, { resolve, n: chunk.length })));
      workers[best].postMessage({
        id,
        raws: chunk.map((c) => c.raw),
        publicKeys: chunk.map((c) => c.publicKey),
      });
    }
    await Promise.all(done);
    const ms = performance.now() - start;
    for (const w of workers) w.removeAllListeners('message');
    if (ok !== items.length) throw new Error(`baseline verified ${ok} of ${items.length}`);
    return ms;
  };
  await run();
  const ms = await run();
  await Promise.all(workers.map((w) => w.terminate()));
  return ms;
}

async function registerDevices(db, devices) {
  const now = new Date().toISOString();
  for (let i = 0; i < devices.length; i += 200) {
    await db.kysely
      .insertInto('devices')
      .values(
        devices.slice(i, i + 200).map((d) => ({
          id: d.id,
          kind: 'loudspeaker',
          units: '["52001"]',
          vendor: 'bench',
          model: 'bench',
          public_key: d.publicKey,
          firmware: null,
          created_at: now,
          body: '{}',
          secret_hash: '',
          unit_path: '|52|52001|',
        })),
      )
      .execute();
  }
}

async function ingestRate(db, prefix) {
  const warm = makeDevices(`${prefix}-warm`, 50, 4);
  const devices = makeDevices(prefix, DEVICES, PER_DEVICE);
  await registerDevices(db, [...warm, ...devices]);
  let commits = 0;
  const ingest = ReceiptIngest.create({ db, threads, onCommitted: () => commits++ });
  for (const [id, raw] of arrivals(warm, 4)) ingest.push(id, raw);
  await ingest.flush();
  const items = arrivals(devices, PER_DEVICE);
  const start = performance.now();
  for (const [id, raw] of items) ingest.push(id, raw);
  await ingest.flush();
  const ms = performance.now() - start;
  const stats = ingest.stats();
  await ingest.close();
  if (stats.stored !== N + 200 || stats.verified !== N + 200)
    throw new Error(`stored ${stats.stored}, verified ${stats.verified}: expected ${N + 200}`);
  const committed = await db.kysely
    .selectFrom('devices')
    .select((eb) => eb.fn.sum('receipts_committed').as('sum'))
    .where('id', 'like', `${prefix}-%`)
    .where('id', 'not like', `${prefix}-warm-%`)
    .executeTakeFirstOrThrow();
  if (Number(committed.sum) !== N) throw new Error(`committed ${committed.sum}, expected ${N}`);
  return ms;
}

const rate = (ms) => Math.round((N / ms) * 1000);
const verifyItems = (() => {
  const devices = makeDevices('base', DEVICES, PER_DEVICE);
  return arrivals(devices, PER_DEVICE).map(([, raw], i) => ({
    raw,
    publicKey: devices[i % DEVICES].publicKey,
  }));
})();

console.log(
  `N ${N} receipts from ${DEVICES} devices, ${threads} threads, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
// The machine is shared: each ingest run is compared with a baseline measured just before it.
const line = (name, base, ms, target) => {
  const ratio = base / ms;
  return `${name}: ours ${rate(ms)}/s, baseline ${rate(base)}/s, ratio ${ratio.toFixed(2)}× (target ≥ ${target}: ${ratio >= target ? 'met' : 'MISSED'})`;
};
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round}, load ${loadavg()[0].toFixed(2)}`);
  const sqliteBase = await baseline(verifyItems);
  const dir = mkdtempSync(join(tmpdir(), 'nguon-receipts-bench-'));
  const sqlite = await openDatabase({ file: join(dir, 'bench.db') });
  const sqliteMs = await ingestRate(sqlite, `r${round}`);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`  ${line('ingest receipts, SQLite (WAL file)', sqliteBase, sqliteMs, 0.7)}`);
  const schema = `nguon_bench_receipts_${randomBytes(4).toString('hex')}`;
  try {
    const pgBase = await baseline(verifyItems);
    const db = await openDatabase({ url: PG_URL, schema });
    try {
      const pgMs = await ingestRate(db, `r${round}`);
      console.log(`  ${line('ingest receipts, PostgreSQL', pgBase, pgMs, 0.6)}`);
    } finally {
      await db.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  } catch (error) {
    console.log(`  PostgreSQL skipped: ${error.message}`);
  }
}
