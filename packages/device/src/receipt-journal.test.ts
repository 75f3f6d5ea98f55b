import { createSigner, generateSigningKey, TrustStore, verifyReceipt } from '@nguon/protocol';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReceiptInput, ReceiptJournal } from './receipt-journal';
import { MemoryStore } from './store';

const key = await generateSigningKey('loa-001');
const signer = await createSigner({ kid: 'loa-001', privateKey: key.privateJwk });
const input = (bulletinId: string): ReceiptInput => ({
  bulletinId,
  lang: 'vi',
  startedAt: '2026-11-26T08:00:00.000Z',
  endedAt: '2026-11-26T08:01:00.000Z',
  outcome: 'completed',
  offline: false,
});

describe('ReceiptJournal', () => {
  it('P-R1/P-S4: numbers receipts 1, 2, 3 and signs them with the device key', async () => {
    const journal = await ReceiptJournal.open(new MemoryStore(), signer);
    expect(journal.pendingFrom()).toBe(1);
    const a = await journal.append(input('b-1'), { eventSeq: 10, now: Date.now() });
    const b = await journal.append(input('b-2'), { eventSeq: 11, now: Date.now() });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    const keys = await TrustStore.create([key.anchor], { trustVersion: 1 });
    const verified = await verifyReceipt(b.jws, keys, { deviceId: 'loa-001' });
    expect(verified.ok && verified.receipt.body).toMatchObject({ seq: 2, bulletinId: 'b-2' });
    expect(verified.ok && verified.receipt.seq).toBe(11);
  });

  it('P-R2: across any sequence of appends, commits and restarts, numbers have no gap and nothing is lost or duplicated', async () => {
    type Op = { kind: 'append' } | { kind: 'commit'; upTo: number } | { kind: 'reopen' };
    const op = fc.oneof(
      fc.constant<Op>({ kind: 'append' }),
      fc.integer({ min: 0, max: 12 }).map<Op>((upTo) => ({ kind: 'commit', upTo })),
      fc.constant<Op>({ kind: 'reopen' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const store = new MemoryStore();
        let journal = await ReceiptJournal.open(store, signer);
        const issued = new Map<number, string>();
        let committed = 0;
        let last = 0;
        for (const o of ops) {
          if (o.kind === 'append') {
            const entry = await journal.append(input(`b-${issued.size}`), { eventSeq: 1, now: 0 });
            expect(issued.has(entry.seq)).toBe(false);
            expect(entry.seq).toBe(Math.max(last, committed) + 1);
            last = entry.seq;
            issued.set(entry.seq, entry.jws);
          } else if (o.kind === 'commit') {
            await journal.commit(o.upTo);
            committed = Math.max(committed, o.upTo);
          } else {
            journal = await ReceiptJournal.open(store, signer);
          }
          const expected = [...issued.keys()].filter((seq) => seq > committed).sort((x, y) => x - y);
          expect(journal.pending().map((e) => e.seq)).toEqual(expected);
          for (const e of journal.pending()) expect(e.jws).toBe(issued.get(e.seq));
          expect(journal.pendingFrom()).toBe(expected[0] ?? journal.nextSeq);
        }
      }),
      { numRuns: 60 },
    );
  });
});
