import { availableParallelism } from 'node:os';
import { EVENT_SCHEMAS, type EventOf } from '@nguon/protocol';
import { CompiledQuery, type Kysely } from 'kysely';
import pino from 'pino';
import type { Database, Tables } from '../db';
import { type VerifyItem, type VerifyOutcome, VerifyPool } from './receipts-verify';

/**
 * Options of {@link ReceiptIngest.create}.
 *
 * @example
 * ```ts
 * const options: ReceiptIngestOptions = { db, onCommitted: (id, upTo) => sendCommit(id, upTo) };
 * ```
 */
export interface ReceiptIngestOptions {
  /** The server's database (from `openDatabase`). */
  db: Database;
  /** The clock for `received_at` and `deliveries.updated_at` (default `new Date()`). */
  now?: () => Date;
  /** Warnings (rate-limited) about malformed receipts and errors of batch writes. */
  logger?: pino.Logger;
  /** Verify workers (default `os.availableParallelism()`). */
  threads?: number;
  /** Longest wait in ms before received receipts are written (default 20). */
  batchMs?: number;
  /**
   * Longest wait in ms before a device's new `upTo` is reported (default 1000). The commits of one
   * device within that time are merged into one, the highest, so that a burst of receipts stored in
   * many batches costs each device one or two `receipts.commit` instead of one per batch; `flush()`
   * reports at once. 0 reports after every batch.
   */
  commitMs?: number;
  /**
   * Called for every device that had a receipt in a stored batch (a duplicate too: a re-sent receipt
   * means the device missed the commit) with its current `upTo` (P-R2), at most `commitMs` after the
   * batch; the caller publishes `receipts.commit`.
   */
  onCommitted: (deviceId: string, upTo: number) => void;
}

/**
 * Counters of a {@link ReceiptIngest} since it was created.
 *
 * @example `const { stored, duplicates } = ingest.stats()`
 */
export interface ReceiptIngestStats {
  /** Every `push`. */
  received: number;
  /** Readable receipts whose signature holds against the device's registered key and whose kid names it. */
  verified: number;
  /** Readable receipts that did not verify: stored with `verified = 0` (P-R3). */
  unverified: number;
  /** Receipts already stored (or twice in one batch): not stored again. */
  duplicates: number;
  /** Unreadable input, a receipt that fails the schema, or an unknown device: not stored. */
  malformed: number;
  /** Rows written: new receipts, and verified copies replacing unverified rows. */
  stored: number;
}

interface DeviceInfo {
  publicKey: string;
  unitPath: string;
}

interface Pending {
  deviceId: string;
  raw: string;
  epoch: number;
}

interface Ready extends Pending {
  receipt: EventOf<'receipt'>['body'];
  verified: boolean;
  unitPath: string;
}

const CHUNK = 128;
// Rows per transaction. SQLite writes synchronously on the main thread (about 50 µs a row on a loaded
// 2-core box), so its batches stay small enough not to hold the event loop; PostgreSQL writes
// asynchronously and pays round trips per transaction, so its batches are larger.
const MAX_BATCH_SQLITE = 256;
const MAX_BATCH_POSTGRES = 2000;
const LOOKUP_IDS = 1000;
const RECEIPT_COLUMNS = [
  ['device_id', 'text'],
  ['seq', 'integer'],
  ['bulletin_id', 'text'],
  ['media_sha256', 'text'],
  ['lang', 'text'],
  ['started_at', 'text'],
  ['ended_at', 'text'],
  ['outcome', 'text'],
  ['reason', 'text'],
  ['offline', 'integer'],
  ['verified', 'integer'],
  ['duration_sec', 'double'],
  ['unit_path', 'text'],
  ['received_at', 'text'],
  ['jws', 'text'],
] as const;

interface Statements {
  insert: string;
  deliveries: string;
  walk: string;
  advance: string;
}

// Each batch travels as ONE JSON parameter (an array of row arrays) unpacked by the database
// (json_each on SQLite, jsonb_array_elements on PostgreSQL), and the PostgreSQL insert as one array
// per column (unnest): the statement text never changes, so neither the SQL parse nor the parameter
// binding grows with the batch, and no variable limit (SQLite 32 766, PostgreSQL 65 535) applies.
// In the benchmark this beat multi-row VALUES (a placeholder per value) on both.
function statements(postgres: boolean): Statements {
  const param = (n: number) => (postgres ? `$${n}` : '?');
  const rows = (n: number) =>
    postgres ? `jsonb_array_elements(cast($${n} as jsonb)) as j(value)` : `json_each(?) as j`;
  const at = (i: number, type: 'text' | 'integer' | 'double') =>
    type === 'text'
      ? `j.value ->> ${i}`
      : `cast(j.value ->> ${i} as ${type === 'double' ? (postgres ? 'double precision' : 'real') : 'integer'})`;
  const names = RECEIPT_COLUMNS.map(([name]) => name);
  const update = names
    .filter((c) => c !== 'device_id' && c !== 'seq')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  // upTo per device: the receipts above receipts_committed, in order, are contiguous exactly while
  // seq = committed + row number (numbers are unique, so after a gap seq stays ahead of it).
  const walk = `select w.id as id, w.committed as committed,
        w.committed + coalesce(sum(case when w.seq = w.committed + w.rn then 1 else 0 end), 0) as up_to
      from (select d.id as id, d.receipts_committed as committed, r.seq as seq,
                   row_number() over (partition by d.id order by r.seq) as rn
            from devices d left join receipts r on r.device_id = d.id and r.seq > d.receipts_committed
            where d.id in (${postgres ? 'select jsonb_array_elements_text(cast($1 as jsonb))' : 'select value from json_each(?)'})) as w
      group by w.id, w.committed`;
  // A played delivery keeps the outcome of the play that proved it.
  const keep = "deliveries.state = 'played' and v.outcome <> 'completed'";
  return {
    // "where true" tells SQLite's parser that "on conflict" belongs to the insert, not a join.
    insert:
      `insert into receipts (${names.join(', ')}) ` +
      (postgres
        ? `select * from unnest(${RECEIPT_COLUMNS.map(([, type], i) => `$${i + 1}::${type === 'double' ? 'float8' : type}[]`).join(', ')}) `
        : `select ${RECEIPT_COLUMNS.map(([, type], i) => at(i, type)).join(', ')} from ${rows(1)} where true `) +
      `on conflict (device_id, seq) do update set ${update} ` +
      'where receipts.verified = 0 and excluded.verified = 1 returning device_id, seq',
    // completed → played; failed → failed unless already played; others record outcome and reason
    // and keep the state.
    deliveries: `update deliveries set
        state = case when v.outcome = 'completed' then 'played'
                     when v.outcome = 'failed' and deliveries.state <> 'played' then 'failed'
                     else deliveries.state end,
        played_at = case when v.outcome = 'completed' then v.ended_at else deliveries.played_at end,
        outcome = case when ${keep} then deliveries.outcome else v.outcome end,
        reason = case when ${keep} then deliveries.reason else v.reason end,
        updated_at = ${param(1)}
      from (select j.value ->> 0 as bulletin_id, j.value ->> 1 as device_id, j.value ->> 2 as outcome,
                   j.value ->> 3 as reason, j.value ->> 4 as ended_at from ${rows(2)}) as v
      where deliveries.bulletin_id = v.bulletin_id and deliveries.device_id = v.device_id`,
    walk: postgres
      ? `with w as (${walk}),
        moved as (update devices set receipts_committed = w.up_to from w
                  where devices.id = w.id and devices.receipts_committed < w.up_to)
      select id, committed, up_to from w`
      : walk,
    advance: `update devices set receipts_committed = v.up_to
      from (select j.value ->> 0 as id, ${at(1, 'integer')} as up_to from ${rows(1)}) as v
      where devices.id = v.id and devices.receipts_committed < v.up_to`,
  };
}

function receiptRow(row: Ready, receivedAt: string): unknown[] {
  const b = row.receipt;
  return [
    row.deviceId,
    b.seq,
    b.bulletinId,
    b.mediaSha256 ?? null,
    b.lang ?? null,
    b.startedAt,
    b.endedAt,
    b.outcome,
    b.reason ?? null,
    b.offline ? 1 : 0,
    row.verified ? 1 : 0,
    (Date.parse(b.endedAt) - Date.parse(b.startedAt)) / 1000,
    row.unitPath,
    receivedAt,
    row.raw,
  ];
}
const WARN_EVERY_MS = 10_000;

/**
 * Receipt ingestion (protocol v1 §8, P-R1…P-R3, P-S4): verifies each `receipt` JWS against the
 * device's registered Ed25519 key on worker threads, checks it with the protocol's receipt schema,
 * stores each (device, receipt number) once in batched transactions, marks the deliveries played, and
 * reports each device's contiguous `upTo` for `receipts.commit`. A receipt whose signature fails is
 * stored with `verified = 0` and replaced when a verified copy arrives later.
 *
 * @example
 * ```ts
 * const ingest = ReceiptIngest.create({ db, onCommitted: (id, upTo) => commit(id, upTo) });
 * client.on('message', (topic, payload) => ingest.push(deviceIdOf(topic), payload.toString()));
 * await ingest.close();
 * ```
 */
export class ReceiptIngest {
  readonly #k: Kysely<Tables>;
  readonly #sql: Statements;
  readonly #postgres: boolean;
  readonly #maxBatch: number;
  readonly #now: () => Date;
  readonly #log: pino.Logger;
  readonly #batchMs: number;
  readonly #commitMs: number;
  readonly #commits = new Map<string, number>();
  #commitTimer: NodeJS.Timeout | undefined;
  readonly #onCommitted: (deviceId: string, upTo: number) => void;
  readonly #pool: VerifyPool;
  readonly #devices = new Map<string, DeviceInfo>();
  readonly #stats: ReceiptIngestStats = {
    received: 0,
    verified: 0,
    unverified: 0,
    duplicates: 0,
    malformed: 0,
    stored: 0,
  };
  #incoming: Pending[] = [];
  #waitingForDevice: Pending[] = [];
  #lookingUp = false;
  #drainScheduled = false;
  #ready: Ready[] = [];
  #writing = false;
  #timer: NodeJS.Timeout | undefined;
  #epoch = 0;
  readonly #open = new Map<number, number>();
  #flushWaiters: { epoch: number; resolve: () => void }[] = [];
  #urgent = 0;
  #closed = false;
  readonly #warned = new Map<string, { at: number; suppressed: number }>();

  private constructor(options: ReceiptIngestOptions) {
    this.#k = options.db.kysely;
    this.#postgres = options.db.dialect === 'postgres';
    this.#sql = statements(this.#postgres);
    this.#maxBatch = this.#postgres ? MAX_BATCH_POSTGRES : MAX_BATCH_SQLITE;
    this.#now = options.now ?? (() => new Date());
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#batchMs = options.batchMs ?? 20;
    this.#commitMs = options.commitMs ?? 1000;
    this.#onCommitted = options.onCommitted;
    this.#pool = new VerifyPool(options.threads ?? availableParallelism());
  }

  /**
   * Starts the verify workers.
   *
   * @example `const ingest = ReceiptIngest.create({ db, threads: 2, onCommitted })`
   */
  static create(options: ReceiptIngestOptions): ReceiptIngest {
    return new ReceiptIngest(options);
  }

  /**
   * Takes one receipt as published on `…/dev/{deviceId}/receipt`. Never throws: unreadable input is
   * counted as malformed and logged (a warning at most every 10 s per kind).
   *
   * @example `ingest.push('loa-52001-001', payload.toString('utf8'))`
   */
  push(deviceId: string, raw: string): void {
    this.#stats.received++;
    if (this.#closed || typeof deviceId !== 'string' || typeof raw !== 'string') {
      this.#stats.malformed++;
      this.#warn('input', { deviceId: String(deviceId) }, 'receipt refused: not a string, or ingest closed');
      return;
    }
    const epoch = this.#epoch;
    this.#open.set(epoch, (this.#open.get(epoch) ?? 0) + 1);
    this.#incoming.push({ deviceId, raw, epoch });
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  /**
   * Resolves when every receipt pushed before the call is stored (or refused); writes at once
   * instead of waiting `batchMs`.
   *
   * @example `await ingest.flush(); expect(ingest.stats().stored).toBe(3)`
   */
  flush(): Promise<void> {
    const epoch = this.#epoch++;
    if (this.#settledUpTo(epoch)) {
      this.#reportCommits();
      return Promise.resolve();
    }
    this.#urgent++;
    const done = new Promise<void>((resolve) => this.#flushWaiters.push({ epoch, resolve }));
    this.#scheduleWrite();
    return done.finally(() => {
      this.#urgent--;
      this.#reportCommits();
    });
  }

  /**
   * Counters since creation.
   *
   * @example `ingest.stats().duplicates`
   */
  stats(): ReceiptIngestStats {
    return { ...this.#stats };
  }

  /**
   * Flushes, then ends the workers; later pushes are counted as malformed.
   *
   * @example `await ingest.close()`
   */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#commitTimer) clearTimeout(this.#commitTimer);
    await this.#pool.close();
  }

  /**
   * Drops the cached key and unit path of a device (call it when the device is registered again).
   *
   * @example `ingest.forgetDevice('loa-52001-001')`
   */
  forgetDevice(deviceId: string): void {
    this.#devices.delete(deviceId);
  }

  // ── pipeline ──────────────────────────────────────────────────────────────────────────────────

  #drain(): void {
    this.#drainScheduled = false;
    const items = this.#incoming;
    this.#incoming = [];
    const known: Pending[] = [];
    const keys: VerifyItem[] = [];
    for (const item of items) {
      const device = this.#devices.get(item.deviceId);
      if (device === undefined) this.#waitingForDevice.push(item);
      else {
        known.push(item);
        keys.push({ raw: item.raw, publicKey: device.publicKey });
      }
    }
    for (let i = 0; i < known.length; i += CHUNK) {
      const part = known.slice(i, i + CHUNK);
      void this.#pool
        .verify(keys.slice(i, i + CHUNK))
        .then((outcomes) => this.#verified(part, outcomes))
        .catch((error: unknown) => this.#fail(part, error));
    }
    if (this.#waitingForDevice.length > 0 && !this.#lookingUp) void this.#lookUp();
  }

  async #lookUp(): Promise<void> {
    this.#lookingUp = true;
    const waiting = this.#waitingForDevice;
    this.#waitingForDevice = [];
    const ids = [...new Set(waiting.map((w) => w.deviceId))];
    try {
      for (let i = 0; i < ids.length; i += LOOKUP_IDS) {
        const rows = await this.#k
          .selectFrom('devices')
          .select(['id', 'public_key', 'unit_path'])
          .where('id', 'in', ids.slice(i, i + LOOKUP_IDS))
          .execute();
        for (const row of rows)
          this.#devices.set(row.id, { publicKey: row.public_key, unitPath: row.unit_path });
      }
      const unknown = waiting.filter((w) => !this.#devices.has(w.deviceId));
      for (const item of unknown)
        this.#warn('unknown_device', { deviceId: item.deviceId }, 'receipt from an unknown device: dropped');
      this.#malformed(unknown);
      this.#incoming.push(...waiting.filter((w) => this.#devices.has(w.deviceId)));
    } catch (error) {
      this.#log.error({ err: error }, 'receipts: could not read the device keys; receipts dropped');
      this.#malformed(waiting);
    } finally {
      this.#lookingUp = false;
    }
    this.#drain();
  }

  #verified(items: Pending[], outcomes: VerifyOutcome[]): void {
    const refused: Pending[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Pending;
      const outcome = outcomes[i] as VerifyOutcome;
      const device = this.#devices.get(item.deviceId);
      const parsed =
        outcome.payload === undefined ? undefined : EVENT_SCHEMAS.receipt.safeParse(outcome.payload);
      if (device === undefined || parsed === undefined || !parsed.success) {
        this.#warn(
          'malformed',
          { deviceId: item.deviceId, reason: outcome.reason ?? 'schema' },
          parsed?.success === false
            ? `receipt refused: ${parsed.error.issues[0]?.path.join('.') || 'message'}: ${parsed.error.issues[0]?.message}`
            : 'receipt refused: not a JWS with a JSON header and payload',
        );
        refused.push(item);
        continue;
      }
      const kid = (outcome.header as { kid?: unknown }).kid;
      const kidOk = typeof kid === 'string' && (kid === item.deviceId || kid.startsWith(`${item.deviceId}:`));
      const verified = outcome.ok && kidOk;
      if (verified) this.#stats.verified++;
      else this.#stats.unverified++;
      this.#ready.push({ ...item, receipt: parsed.data.body, verified, unitPath: device.unitPath });
    }
    this.#malformed(refused);
    this.#scheduleWrite();
  }

  #fail(items: Pending[], error: unknown): void {
    this.#log.error({ err: error }, 'receipts: verification failed; receipts dropped');
    this.#malformed(items);
  }

  #malformed(items: Pending[]): void {
    this.#stats.malformed += items.length;
    this.#settle(items);
  }

  #scheduleWrite(): void {
    if (this.#writing || this.#ready.length === 0) return;
    if (this.#ready.length >= this.#maxBatch || this.#urgent > 0) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#write();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#write();
      }, this.#batchMs);
    }
  }

  async #write(): Promise<void> {
    if (this.#writing || this.#ready.length === 0) return;
    this.#writing = true;
    const batch = this.#ready.splice(0, this.#maxBatch);
    let commits: Map<string, number> | undefined;
    // Two instances on one PostgreSQL can deadlock on device rows or be told to retry: try again.
    for (let attempt = 1; commits === undefined; attempt++) {
      try {
        const result = await this.#store(batch);
        commits = result.commits;
        this.#stats.stored += result.stored;
        this.#stats.duplicates += batch.length - result.stored;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt < 3 && (code === '40P01' || code === '40001')) continue;
        this.#log.error(
          { err: error, receipts: batch.length },
          'receipts: batch write failed; the devices will re-send',
        );
        break;
      }
    }
    this.#writing = false;
    this.#settle(batch);
    if (commits) {
      for (const [deviceId, upTo] of commits)
        this.#commits.set(deviceId, Math.max(upTo, this.#commits.get(deviceId) ?? 0));
      if (this.#commitMs <= 0 || this.#urgent > 0) this.#reportCommits();
      else if (this.#commitTimer === undefined) {
        this.#commitTimer = setTimeout(() => this.#reportCommits(), this.#commitMs);
        this.#commitTimer.unref();
      }
    }
    // PostgreSQL: what arrived during the round trips goes at once (group commit); SQLite: what
    // arrived while the write held the thread is little, so it waits for more up to batchMs.
    if (this.#postgres && this.#ready.length > 0) void this.#write();
    else this.#scheduleWrite();
  }

  /** Reports the merged commit points gathered since the last report. */
  #reportCommits(): void {
    if (this.#commitTimer) clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    if (this.#commits.size === 0) return;
    const commits = [...this.#commits];
    this.#commits.clear();
    for (const [deviceId, upTo] of commits) {
      try {
        this.#onCommitted(deviceId, upTo);
      } catch (error) {
        this.#log.error({ err: error, deviceId }, 'receipts: onCommitted threw');
      }
    }
  }

  /** One transaction: insert the batch, mark deliveries, advance `receipts_committed`. */
  async #store(batch: Ready[]): Promise<{ commits: Map<string, number>; stored: number }> {
    // One row per (device, seq): a verified copy wins over an unverified one.
    const unique = new Map<string, Ready>();
    for (const item of batch) {
      const key = `${item.deviceId}\u0000${item.receipt.seq}`;
      const seen = unique.get(key);
      if (seen === undefined || (!seen.verified && item.verified)) unique.set(key, item);
    }
    // In one order, so that concurrent instances take the row locks in the same order.
    const rows = [...unique.values()].sort((x, y) =>
      x.deviceId === y.deviceId ? x.receipt.seq - y.receipt.seq : x.deviceId < y.deviceId ? -1 : 1,
    );
    const receivedAt = this.#now().toISOString();
    const devices = [...new Set(batch.map((b) => b.deviceId))];
    const sql = this.#sql;
    return this.#k.transaction().execute(async (trx) => {
      const inserted = await trx.executeQuery<{ device_id: string; seq: number }>(
        CompiledQuery.raw(sql.insert, this.#insertParams(rows, receivedAt)),
      );
      const written = new Set<string>();
      for (const r of inserted.rows) written.add(`${r.device_id}\u0000${Number(r.seq)}`);
      const plays = new Map<string, Ready>();
      for (const row of rows) {
        if (!row.verified || !written.has(`${row.deviceId}\u0000${row.receipt.seq}`)) continue;
        const key = `${row.receipt.bulletinId}\u0000${row.deviceId}`;
        const seen = plays.get(key);
        if (seen === undefined || strongerPlay(row, seen)) plays.set(key, row);
      }
      if (plays.size > 0) {
        const played = [...plays.values()].map((p) => [
          p.receipt.bulletinId,
          p.deviceId,
          p.receipt.outcome,
          p.receipt.reason ?? null,
          p.receipt.endedAt,
        ]);
        await trx.executeQuery(CompiledQuery.raw(sql.deliveries, [receivedAt, JSON.stringify(played)]));
      }
      return { commits: await this.#commit(trx, devices), stored: written.size };
    });
  }

  /** SQLite: one JSON array of rows; PostgreSQL: one array per column, for `unnest`. */
  #insertParams(rows: Ready[], receivedAt: string): unknown[] {
    const values = rows.map((row) => receiptRow(row, receivedAt));
    if (!this.#postgres) return [JSON.stringify(values)];
    return RECEIPT_COLUMNS.map((_, column) => values.map((row) => row[column]));
  }

  /** Walks each device's stored receipt numbers up from `receipts_committed`; never lowers it. */
  async #commit(trx: Kysely<Tables>, devices: string[]): Promise<Map<string, number>> {
    const sql = this.#sql;
    const found = await trx.executeQuery<{ id: string; committed: number | string; up_to: number | string }>(
      CompiledQuery.raw(sql.walk, [JSON.stringify(devices)]),
    );
    const upTo = new Map<string, number>();
    const moved: [string, number][] = [];
    for (const row of found.rows) {
      const value = Number(row.up_to);
      upTo.set(row.id, value);
      if (value > Number(row.committed)) moved.push([row.id, value]);
    }
    // PostgreSQL advanced them in the same statement.
    if (!this.#postgres && moved.length > 0)
      await trx.executeQuery(CompiledQuery.raw(sql.advance, [JSON.stringify(moved)]));
    return upTo;
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────────

  #settle(items: Pending[]): void {
    for (const item of items) {
      const left = (this.#open.get(item.epoch) ?? 1) - 1;
      if (left <= 0) this.#open.delete(item.epoch);
      else this.#open.set(item.epoch, left);
    }
    if (this.#flushWaiters.length === 0) return;
    const waiting = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const waiter of waiting) {
      if (this.#settledUpTo(waiter.epoch)) waiter.resolve();
      else this.#flushWaiters.push(waiter);
    }
  }

  #settledUpTo(epoch: number): boolean {
    for (const open of this.#open.keys()) if (open <= epoch) return false;
    return true;
  }

  #warn(kind: string, details: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const last = this.#warned.get(kind);
    if (last !== undefined && now - last.at < WARN_EVERY_MS) {
      last.suppressed++;
      return;
    }
    this.#warned.set(kind, { at: now, suppressed: 0 });
    this.#log.warn({ ...details, suppressed: last?.suppressed ?? 0 }, message);
  }
}

/** A completed play outranks any other outcome; among equals the later receipt wins. */
function strongerPlay(candidate: Ready, current: Ready): boolean {
  const a = candidate.receipt.outcome === 'completed';
  const b = current.receipt.outcome === 'completed';
  if (a !== b) return a;
  return candidate.receipt.seq > current.receipt.seq;
}
