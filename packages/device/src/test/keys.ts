import {
  type CommandBody,
  type CommandType,
  type CreateCommandOptions,
  generateSigningKey,
  type Signer,
  signCommand,
  type TrustAnchor,
} from '@nguon/protocol';
import type { JWK } from 'jose';

/**
 * A freshly generated Ed25519 key: the signer, the public anchor and the private JWK.
 *
 * @example
 * ```ts
 * const { signer, anchor } = await generateTrustKey('gl-test-1');
 * ```
 */
export interface TestKey {
  signer: Signer;
  anchor: TrustAnchor;
  privateJwk: JWK;
}

/**
 * Generates a system signing key that devices can trust (its `anchor` goes into `trust`).
 *
 * @example
 * ```ts
 * const system = await generateTrustKey();
 * const device = new DeviceClient({ ...options, trust: [system.anchor] });
 * ```
 */
export async function generateTrustKey(kid = 'test-system-1'): Promise<TestKey> {
  return generateSigningKey(kid);
}

/**
 * Generates a device's own receipt key (P-S4); its kid is the device id, as `verifyReceipt` expects.
 *
 * @example
 * ```ts
 * const key = await generateDeviceKey('loa-001');
 * new DeviceClient({ ...options, privateKey: key.privateJwk });
 * ```
 */
export async function generateDeviceKey(deviceId: string): Promise<TestKey> {
  return generateSigningKey(deviceId);
}

/**
 * Signs a command as the source system would (P-S1): builds the envelope, validates it, and returns
 * the JWS to publish.
 *
 * @example
 * ```ts
 * const jws = await signAsSystem(system, 'device.ping', {}, { to: 'dev:loa-001', ttlSec: 60 });
 * ```
 */
export function signAsSystem<T extends CommandType>(
  key: TestKey | Signer,
  type: T,
  body: CommandBody<T>,
  options: CreateCommandOptions,
): Promise<string> {
  return signCommand('signer' in key ? key.signer : key, type, body, options);
}
