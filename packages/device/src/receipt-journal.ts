import { createEvent, type EventOf, type Signer } from '@nguon/protocol';
import type { KeyValueStore } from './store';

/**
 * A receipt body without its number: what one play produced (P-R1).
 *
 * @example
 * ```ts
 * const r: ReceiptInput = { bulletinId: 'b-1', lang: 'vi', startedAt: '…', endedAt: '…', outcome: 'completed', offline: false };
 * ```
 */
export type ReceiptInput = Omit<EventOf<'receipt'>['body'], 'seq'>;

/**
 * One journaled receipt: its number and the signed JWS exactly as first published.
 *
 * @example `journal.pending().map((r) => r.seq)`
 */
export interface JournalEntry {
  seq: number;
  jws: string;
}

const PREFIX = 'receipt/';
const NEXT = 'receipt-next';
const COMMITTED = 'receipt-committed';
const keyOf = (seq: number) => `${PREFIX}${String(seq).padStart(12, '0')}`;

/**
 * The persistent receipt journal of P-R1/P-R2: numbers receipts 1, 2, 3… with no gap, signs each
 * with the device key (P-S4), keeps it until `receipts.commit` covers it, and hands back the
 * identical JWS for every re-send. A receipt is durable before `append` resolves, so it is never lost
 * across a reboot, and it is never renumbered, so it is never counted twice.
 *
 * @example
 * ```ts
 * const journal = await ReceiptJournal.open(store, signer);
 * const { jws } = await journal.append(body, { eventSeq: 12, now: Date.now() });
 * publish(jws);
 * await journal.commit(5); // forgets receipts 1–5
 * ```
 */
export class ReceiptJournal {
  readonly #store: KeyValueStore;
  readonly #signer: Signer;
  readonly #entries = new Map<number, JournalEntry>();
  #next: number;
  #committed: number;
  #writes: Promise<void> = Promise.resolve();

  private constructor(store: KeyValueStore, signer: Signer, next: number, committed: number) {
    this.#store = store;
    this.#signer = signer;
    this.#next = next;
    this.#committed = committed;
  }

  /**
   * Loads the journal from the store.
   *
   * @example `const journal = await ReceiptJournal.open(store, await createSigner({ kid: deviceId, privateKey }))`
   */
  static async open(store: KeyValueStore, signer: Signer): Promise<ReceiptJournal> {
    const [next, committed, keys] = await Promise.all([
      store.get<number>(NEXT),
      store.get<number>(COMMITTED),
      store.keys(PREFIX),
    ]);
    const journal = new ReceiptJournal(store, signer, 1, typeof committed === 'number' ? committed : 0);
    let highest = 0;
    for (const key of keys) {
      const entry = await store.get<JournalEntry>(key);
      if (entry === undefined || typeof entry.seq !== 'number' || typeof entry.jws !== 'string') continue;
      highest = Math.max(highest, entry.seq);
      if (entry.seq > journal.#committed) journal.#entries.set(entry.seq, entry);
      else await store.delete(key);
    }
    journal.#next = Math.max(typeof next === 'number' ? next : 1, highest + 1, journal.#committed + 1);
    return journal;
  }

  /** The number the next receipt gets. @example `journal.nextSeq` */
  get nextSeq(): number {
    return this.#next;
  }

  /** The highest number committed by the system. @example `journal.committedUpTo` */
  get committedUpTo(): number {
    return this.#committed;
  }

  /**
   * `hello.receiptsPendingFrom` (P-H2): the lowest uncommitted receipt number, or the next one if none.
   *
   * @example `hello.receiptsPendingFrom = journal.pendingFrom()`
   */
  pendingFrom(): number {
    let lowest = this.#next;
    for (const seq of this.#entries.keys()) lowest = Math.min(lowest, seq);
    return lowest;
  }

  /** Uncommitted receipts in number order. @example `for (const r of journal.pending()) publish(r.jws)` */
  pending(): JournalEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.seq - b.seq);
  }

  /**
   * Numbers, signs and persists a receipt; resolves once durable with the JWS to publish. Appends
   * are serialised, so numbers follow call order with no gap.
   *
   * @example `const entry = await journal.append(body, { eventSeq: await events.next(), now: clock.now() })`
   */
  append(input: ReceiptInput, event: { eventSeq: number; now: number }): Promise<JournalEntry> {
    const seq = this.#next++;
    const task = this.#writes.then(async () => {
      const receipt = createEvent('receipt', { ...input, seq }, { seq: event.eventSeq, now: event.now });
      const entry: JournalEntry = { seq, jws: await this.#signer.sign(receipt) };
      await this.#store.set(keyOf(seq), entry);
      await this.#store.set(NEXT, seq + 1);
      this.#entries.set(seq, entry);
      return entry;
    });
    this.#writes = task.then(
      () => undefined,
      () => undefined,
    );
    return task;
  }

  /**
   * Forgets every receipt numbered ≤ `upTo` (`receipts.commit`, `welcome.receiptsCommittedUpTo`);
   * a lower `upTo` than already committed changes nothing. Resolves with how many were forgotten.
   *
   * @example `await journal.commit(41)`
   */
  commit(upTo: number): Promise<number> {
    const task = this.#writes.then(async () => {
      if (!(upTo > this.#committed)) return 0;
      this.#committed = upTo;
      await this.#store.set(COMMITTED, upTo);
      let removed = 0;
      for (const seq of [...this.#entries.keys()]) {
        if (seq <= upTo) {
          this.#entries.delete(seq);
          await this.#store.delete(keyOf(seq));
          removed++;
        }
      }
      if (this.#next <= upTo) {
        this.#next = upTo + 1;
        await this.#store.set(NEXT, this.#next);
      }
      return removed;
    });
    this.#writes = task.then(
      () => undefined,
      () => undefined,
    );
    return task;
  }

  /** Resolves when every append and commit so far is durable. @example `await journal.flush()` */
  flush(): Promise<void> {
    return this.#writes;
  }
}
