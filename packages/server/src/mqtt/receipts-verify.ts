import { Worker } from 'node:worker_threads';

/**
 * One receipt for a verify worker: the JWS as received and the device's registered raw Ed25519
 * public key (base64url).
 *
 * @example `const item: VerifyItem = { raw: jws, publicKey: device.public_key }`
 */
export interface VerifyItem {
  raw: string;
  publicKey: string;
}

/**
 * What a verify worker says about one receipt: `ok` when the Ed25519 signature holds; otherwise the
 * reason (`bad_signature`: readable but not signed by that key; `malformed`: not a JWS with a JSON
 * header and payload). `header` and `payload` are the decoded JSON whenever they could be read.
 *
 * @example `if (!r.ok && r.reason === 'malformed') drop()`
 */
export interface VerifyOutcome {
  ok: boolean;
  reason?: 'bad_signature' | 'malformed';
  header?: unknown;
  payload?: unknown;
}

// Runs inside each worker (eval'd as a CommonJS script): only node:crypto, so it works alike from the
// TypeScript sources and from the built package.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const B64URL = /^[A-Za-z0-9_-]*$/;
const MAX = 262144;
const keys = new Map();
function keyOf(publicKey) {
  let key = keys.get(publicKey);
  if (key !== undefined) return key;
  key = null;
  if (typeof publicKey === 'string' && B64URL.test(publicKey)) {
    const raw = Buffer.from(publicKey, 'base64url');
    if (raw.length === 32) {
      try { key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' }); }
      catch { key = null; }
    }
  }
  if (keys.size >= 50000) keys.clear();
  keys.set(publicKey, key);
  return key;
}
function json(part) {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch { return undefined; }
}
function check(raw, publicKey) {
  if (typeof raw !== 'string' || raw.length > MAX) return { ok: false, reason: 'malformed' };
  const first = raw.indexOf('.');
  const last = raw.lastIndexOf('.');
  if (first <= 0 || first === last || raw.indexOf('.', first + 1) !== last) return { ok: false, reason: 'malformed' };
  const head = raw.slice(0, first);
  const body = raw.slice(first + 1, last);
  const sig = raw.slice(last + 1);
  if (!B64URL.test(head) || !B64URL.test(body) || !B64URL.test(sig)) return { ok: false, reason: 'malformed' };
  const header = json(head);
  const payload = json(body);
  if (header === undefined || payload === undefined) return { ok: false, reason: 'malformed', header, payload };
  const signature = Buffer.from(sig, 'base64url');
  const key = keyOf(publicKey);
  let ok = false;
  if (header.alg === 'EdDSA' && signature.length === 64 && key !== null) {
    try { ok = verify(null, Buffer.from(raw.slice(0, last), 'latin1'), key, signature); } catch { ok = false; }
  }
  return ok ? { ok: true, header, payload } : { ok: false, reason: 'bad_signature', header, payload };
}
parentPort.on('message', (message) => {
  const { raws, keys: publicKeys } = message;
  const results = new Array(raws.length);
  for (let i = 0; i < raws.length; i++) results[i] = check(raws[i], publicKeys[i]);
  parentPort.postMessage({ id: message.id, results });
});
`;

interface Job {
  id: number;
  items: VerifyItem[];
  resolve: (results: VerifyOutcome[]) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
  jobs: Map<number, Job>;
}

/**
 * A pool of `node:worker_threads` that verify receipt signatures (Ed25519 over `header.payload`,
 * `alg: EdDSA`, 64-byte signature) off the main thread. Each chunk goes to the worker with the fewest
 * items in flight; a worker that dies is replaced and its chunks are sent again.
 *
 * @example
 * ```ts
 * const pool = new VerifyPool(2);
 * const [outcome] = await pool.verify([{ raw: jws, publicKey: device.public_key }]);
 * await pool.close();
 * ```
 */
export class VerifyPool {
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;

  /**
   * Starts `threads` workers (at least one).
   *
   * @example `const pool = new VerifyPool(os.availableParallelism())`
   */
  constructor(threads: number) {
    const count = Math.max(1, Math.floor(threads));
    for (let i = 0; i < count; i++) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const slot: Slot = { worker, busy: 0, jobs: new Map() };
    worker.on('message', (message: { id: number; results: VerifyOutcome[] }) => {
      const job = slot.jobs.get(message.id);
      if (job === undefined) return;
      slot.jobs.delete(message.id);
      slot.busy -= job.items.length;
      if (slot.jobs.size === 0) worker.unref();
      job.resolve(message.results);
    });
    worker.on('error', () => this.#replace(slot));
    worker.on('exit', () => this.#replace(slot));
    return slot;
  }

  #replace(slot: Slot): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1 || this.#closed) return;
    const fresh = this.#spawn();
    this.#slots[index] = fresh;
    for (const job of slot.jobs.values()) this.#send(fresh, job);
    slot.jobs.clear();
  }

  #send(slot: Slot, job: Job): void {
    slot.jobs.set(job.id, job);
    slot.busy += job.items.length;
    slot.worker.ref();
    // Two arrays of strings clone faster than an array of objects.
    slot.worker.postMessage({
      id: job.id,
      raws: job.items.map((item) => item.raw),
      keys: job.items.map((item) => item.publicKey),
    });
  }

  /**
   * Verifies one chunk on the least busy worker; resolves with one outcome per item, in order.
   *
   * @example `const outcomes = await pool.verify(items)`
   */
  verify(items: VerifyItem[]): Promise<VerifyOutcome[]> {
    if (this.#closed) return Promise.resolve(items.map(() => ({ ok: false, reason: 'malformed' as const })));
    return new Promise((resolve) => {
      let best = this.#slots[0] as Slot;
      for (const slot of this.#slots) if (slot.busy < best.busy) best = slot;
      this.#send(best, { id: this.#nextId++, items, resolve });
    });
  }

  /**
   * Ends the workers; chunks still in flight are dropped.
   *
   * @example `await pool.close()`
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }
}
