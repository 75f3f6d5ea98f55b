import type { Bulletin } from '@nguon/bulletin';
import type { EventOf, TrustAnchor } from '@nguon/protocol';

/**
 * The result of {@link DeviceHub.sendCommand}: the signed command's id and state, with the ack when
 * the device answered within the wait. Same shape as the contract's `DeviceCommandResult`.
 *
 * @example
 * ```ts
 * const sent: SentCommand = await hub.sendCommand('loa-001', 'device.ping', {}, { waitMs: 5000 });
 * ```
 */
export interface SentCommand {
  id: string;
  deviceId: string;
  type: string;
  state: 'sent' | 'acked' | 'failed' | 'timeout';
  sentAt: string;
  expiresAt: string;
  ack?: EventOf<'ack'>['body'] | undefined;
}

/**
 * The MQTT side of the source system as the HTTP handlers see it: where devices connect, the trust
 * anchors they get, and the dispatcher (publish, revoke, one-device commands). Implemented by
 * `createDispatcher`; `createServer` works without one (HTTP only) and then answers the device
 * routes with 503 `unavailable`.
 *
 * @example
 * ```ts
 * const server = createServer({ db, hub: dispatcher });
 * ```
 */
export interface DeviceHub {
  /** GSO code of the province this system serves (`{p}` in every topic). */
  readonly province: string;
  /** The broker addresses handed to devices at registration. */
  endpoints(): { url: string; wsUrl?: string | undefined };
  /** The keys devices must trust, with the trust list's version (P-S3). */
  trust(): Promise<{ trust: TrustAnchor[]; trustVersion: number }>;
  /** Sends `bulletin.deliver` for a bulletin just published (P-TP3) and records the deliveries. */
  publishBulletin(bulletin: Bulletin): Promise<void>;
  /** Sends `bulletin.revoke` to everything the bulletin went to. */
  revokeBulletin(bulletin: Bulletin): Promise<void>;
  /** Sends one signed command to one device; with `waitMs`, waits that long for its ack. */
  sendCommand(
    deviceId: string,
    type: string,
    body: Record<string, unknown>,
    options?: { waitMs?: number | undefined },
  ): Promise<SentCommand>;
  /** Makes a newly registered (or changed) device known to the broker's authentication and ACL. */
  deviceChanged(deviceId: string): Promise<void>;
}
