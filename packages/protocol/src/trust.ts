import { base64url, flattenedVerify, importJWK } from 'jose';
import { ProtocolError } from './errors';
import { describeIssue } from './issues';
import { type TrustAnchor, trustAnchorSchema } from './messages';

/**
 * How Ed25519 signatures are checked. The default, {@link joseBackend}, runs everywhere (browsers,
 * Deno, Node) through `jose`; `nodeBackend` from `@nguon/protocol/node` calls `node:crypto`
 * directly and is faster on Node. A backend imports each key once; `verify` reuses it.
 *
 * @example `TrustStore.create(anchors, { trustVersion: 1, backend: nodeBackend })`
 */
export interface Ed25519Backend<K = unknown> {
  /** A short name for logs and benchmarks. */
  readonly name: string;
  /** Turns a raw 32-byte Ed25519 public key into whatever `verify` needs. Called once per key. */
  importPublicKey(raw: Uint8Array): Promise<K> | K;
  /**
   * Verifies one JWS: `signingInput` is `BASE64URL(header) + '.' + BASE64URL(payload)` as a string,
   * `signature` the third part still base64url-encoded.
   */
  verify(key: K, signingInput: string, signature: string): Promise<boolean> | boolean;
  /** Optional faster base64url decoder for the header and payload (the Node backend uses `Buffer`). */
  decode?(segment: string): Uint8Array;
}

/**
 * The portable backend: `jose`'s flattened JWS verification over a key imported once with
 * `importJWK`. Works wherever Web Crypto has Ed25519.
 *
 * @example
 * ```ts
 * const trust = await TrustStore.create([anchor], { trustVersion: 1, backend: joseBackend });
 * ```
 */
export const joseBackend: Ed25519Backend<CryptoKey> = {
  name: 'jose',
  async importPublicKey(raw) {
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: base64url.encode(raw) }, 'EdDSA');
    return key as CryptoKey;
  },
  async verify(key, signingInput, signature) {
    const dot = signingInput.indexOf('.');
    try {
      await flattenedVerify(
        { protected: signingInput.slice(0, dot), payload: signingInput.slice(dot + 1), signature },
        key,
        { algorithms: ['EdDSA', 'Ed25519'] },
      );
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * Options of {@link TrustStore.create}.
 *
 * @example `{ trustVersion: 3, backend: joseBackend }`
 */
export interface TrustStoreOptions<K> {
  /** Version of the initial list (P-S3); later lists must be higher. */
  trustVersion: number;
  /** Signature backend, {@link joseBackend} by default. */
  backend?: Ed25519Backend<K>;
}

/**
 * Decodes a trust anchor's public key (P-X6), throwing `invalid_key` when it is not 32 bytes of
 * unpadded base64url.
 *
 * @example
 * ```ts
 * decodePublicKey({ kid: 'k1', publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }).length; // 32
 * ```
 */
export function decodePublicKey(anchor: TrustAnchor): Uint8Array {
  const parsed = trustAnchorSchema.safeParse(anchor, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError(
      'invalid_key',
      `trust anchor ${issue?.path.join('.') ?? ''}: ${issue === undefined ? 'invalid' : describeIssue(issue)}`,
      {
        rule: 'P-X6',
        path: issue?.path.join('.'),
        cause: parsed.error,
      },
    );
  }
  const raw = base64url.decode(anchor.publicKey);
  if (raw.length !== 32) {
    throw new ProtocolError(
      'invalid_key',
      `trust anchor ${anchor.kid}: expected 32 key bytes, found ${raw.length}`,
      {
        rule: 'P-X6',
        path: 'publicKey',
      },
    );
  }
  return raw;
}

/**
 * The keys a device trusts (P-S1, P-S3), imported once. `update` applies a new list only when its
 * `trustVersion` is higher than the one held, so a replayed old `welcome` or `keys.update` cannot bring
 * back a retired key. The same class holds devices' receipt keys on the system side (P-S4).
 *
 * @example
 * ```ts
 * const trust = await TrustStore.create([{ kid: 'gl-2026-1', publicKey: '11qY…' }], { trustVersion: 1 });
 * await trust.update(welcome.body.trust, welcome.body.trustVersion); // false when not newer
 * ```
 */
export class TrustStore<K = unknown> {
  #keys: Map<string, K>;
  #anchors: TrustAnchor[];
  #version: number;
  readonly #backend: Ed25519Backend<K>;

  private constructor(
    backend: Ed25519Backend<K>,
    keys: Map<string, K>,
    anchors: TrustAnchor[],
    version: number,
  ) {
    this.#backend = backend;
    this.#keys = keys;
    this.#anchors = anchors;
    this.#version = version;
  }

  /**
   * Imports a trust list. Throws a {@link ProtocolError} `invalid_key` (P-X6) for a malformed anchor
   * or a repeated kid.
   *
   * @example
   * ```ts
   * const trust = await TrustStore.create(anchors, { trustVersion: 3 });
   * ```
   */
  static async create<K = CryptoKey>(
    anchors: readonly TrustAnchor[],
    options: TrustStoreOptions<K>,
  ): Promise<TrustStore<K>> {
    const backend = (options.backend ?? joseBackend) as Ed25519Backend<K>;
    const keys = await TrustStore.#import(backend, anchors);
    return new TrustStore(
      backend,
      keys,
      anchors.map((a) => ({ kid: a.kid, publicKey: a.publicKey })),
      options.trustVersion,
    );
  }

  static async #import<K>(
    backend: Ed25519Backend<K>,
    anchors: readonly TrustAnchor[],
  ): Promise<Map<string, K>> {
    const keys = new Map<string, K>();
    for (const anchor of anchors) {
      const raw = decodePublicKey(anchor);
      if (keys.has(anchor.kid)) {
        throw new ProtocolError(
          'invalid_key',
          `trust list: kid ${JSON.stringify(anchor.kid)} appears twice`,
          {
            rule: 'P-X6',
            path: 'kid',
          },
        );
      }
      keys.set(anchor.kid, await backend.importPublicKey(raw));
    }
    return keys;
  }

  /** The `trustVersion` of the list held. @example `trust.version; // 3` */
  get version(): number {
    return this.#version;
  }

  /** The backend used to verify. @example `trust.backend.name; // 'jose'` */
  get backend(): Ed25519Backend<K> {
    return this.#backend;
  }

  /** The anchors held (copies). @example `trust.anchors().map((a) => a.kid)` */
  anchors(): TrustAnchor[] {
    return this.#anchors.map((a) => ({ ...a }));
  }

  /** The imported key for a kid, or undefined when not trusted. @example `trust.key('gl-2026-1')` */
  key(kid: string): K | undefined {
    return this.#keys.get(kid);
  }

  /**
   * Replaces the list when `trustVersion` is higher than the held one (P-S3); returns whether it did.
   * All keys are imported before anything changes, so a bad list leaves the store as it was.
   *
   * @example
   * ```ts
   * if (await trust.update(cmd.body.trust, cmd.body.trustVersion)) persist(trust.anchors(), trust.version);
   * ```
   */
  async update(anchors: readonly TrustAnchor[], trustVersion: number): Promise<boolean> {
    if (!(trustVersion > this.#version)) return false;
    const keys = await TrustStore.#import(this.#backend, anchors);
    this.#keys = keys;
    this.#anchors = anchors.map((a) => ({ kid: a.kid, publicKey: a.publicKey }));
    this.#version = trustVersion;
    return true;
  }
}
