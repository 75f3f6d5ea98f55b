// Shared by the receipt benchmarks: a device's signed `receipt` events (compact JWS, EdDSA), one per
// bulletin, as a device publishes them. Not a benchmark itself (run.mjs runs *.bench.mjs only).
import { sign } from 'node:crypto';
import { createEvent } from '@nguon/protocol';

/**
 * The signed receipt number `seq` of device `kid` (its Ed25519 `privateKey`, a KeyObject): a
 * completed play of bulletin `gl-2026-{seq}` that started `seq` minutes after `t0` (ms);
 * `eventSeq` is the envelope's sequence number; `extra` adds receipt fields (e.g. `mediaSha256`).
 */
export function signedReceipt({ kid, privateKey, seq, eventSeq, t0, extra = {} }) {
  const T0 = t0;
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid })).toString('base64url');
  const event = createEvent(
    'receipt',
    {
      seq,
      bulletinId: `gl-2026-${String(seq).padStart(6, '0')}`,
      ...extra,
      lang: 'vi',
      startedAt: new Date(T0 + seq * 60_000).toISOString(),
      endedAt: new Date(T0 + seq * 60_000 + 61_500).toISOString(),
      outcome: 'completed',
      offline: false,
    },
    { seq: eventSeq, now: T0 + seq * 62_000 },
  );
  const input = `${header}.${Buffer.from(JSON.stringify(event)).toString('base64url')}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}
