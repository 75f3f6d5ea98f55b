import type { ErrorCode } from '@nguon/protocol';
import type { Outcome } from './adapters';

/**
 * What a {@link DeviceClient} reports through `on('event', …)`: one object per thing that happened,
 * JSON-serialisable (`nguon device run` prints one per line).
 *
 * - `connected`: MQTT is up, subscriptions and presence are done (P-H1); `session` is the counter.
 * - `welcome`: the system answered hello (P-H3, P-H5) with this clock offset.
 * - `disconnected`: the connection dropped; the runtime reconnects (P-D2).
 * - `command`: a command arrived and was verified (`ok`) or refused (`code`).
 * - `ack`: the ack sent for it (`ref`, `ok`, `code`, `duplicate`).
 * - `play.start` / `play.end`: playout through the adapter.
 * - `receipt`: a receipt journaled and published (`sent`), or re-sent (`resent`).
 * - `alarm`: an alarm raised (§9).
 * - `status`: a status published (P-H4).
 * - `dropped`: a malformed payload without a readable id (§9).
 * - `error`: a local problem (store, adapter, callback) that did not stop the device.
 *
 * @example
 * ```ts
 * device.on('event', (e: DeviceEvent) => {
 *   if (e.type === 'play.end') console.log(e.bulletinId, e.outcome);
 * });
 * ```
 */
export type DeviceEvent =
  | { type: 'connected'; session: number; url: string }
  | { type: 'welcome'; helloId: string; clockOffsetMs: number; trustVersion: number; configVersion: number }
  | { type: 'disconnected' }
  | {
      type: 'command';
      id: string;
      commandType: string | undefined;
      topic: string;
      ok: boolean;
      code?: ErrorCode;
      duplicate?: boolean;
      /** For `bulletin.deliver` and `bulletin.revoke`: the bulletin concerned. */
      bulletinId?: string;
    }
  | {
      type: 'ack';
      ref: string;
      ok: boolean;
      code?: ErrorCode | undefined;
      message?: string | undefined;
      duplicate?: boolean | undefined;
      deviceTime?: string | undefined;
      topic: string;
    }
  | {
      type: 'play.start';
      bulletinId: string;
      lang: string;
      priority: string;
      play: number;
      /** True for a live relay (`live.start`); `bulletinId` is then the command id. */
      live: boolean;
      startedAt: string;
    }
  | {
      type: 'play.end';
      bulletinId: string;
      lang: string;
      outcome: Outcome;
      reason?: string;
      startedAt: string;
      endedAt: string;
    }
  | { type: 'receipt'; seq: number; bulletinId?: string; outcome?: Outcome; sent: boolean; resent: boolean }
  | {
      type: 'alarm';
      code: string;
      message?: string | undefined;
      ref?: string | undefined;
      bulletinId?: string | undefined;
    }
  | { type: 'status'; state: string }
  | { type: 'dropped'; topic: string; reason: string; badMessages: number }
  | { type: 'error'; message: string; code?: string | undefined };
