import { generateKeyPairSync } from 'node:crypto';
import type { DeviceClientOptions } from '@nguon/device';
import type { TrustAnchor } from '@nguon/protocol';

type JWK = DeviceClientOptions['privateKey'];

/**
 * A device's own Ed25519 key pair: the private JWK the device signs receipts with and the public
 * anchor (kid = device id) the source system verifies them with.
 *
 * @example
 * ```ts
 * const key = deviceKeyPair('sim-00001');
 * key.anchor.kid; // 'sim-00001'
 * ```
 */
export interface DeviceKeyPair {
  privateJwk: JWK;
  anchor: TrustAnchor;
}

/**
 * Generates a fresh Ed25519 key pair with node:crypto (about 50 µs), with `kid` = the device id.
 *
 * @example
 * ```ts
 * const { privateJwk, anchor } = deviceKeyPair('sim-00001');
 * ```
 */
export function deviceKeyPair(deviceId: string): DeviceKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { kty: string; crv: string; d: string; x: string };
  return {
    privateJwk: { kty: jwk.kty, crv: jwk.crv, d: jwk.d, x: jwk.x, kid: deviceId },
    anchor: { kid: deviceId, publicKey: jwk.x },
  };
}
