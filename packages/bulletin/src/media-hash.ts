import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { BulletinError } from './errors';
import type { MediaRef } from './schema';

/**
 * Bytes to hash: a web stream, any (async) iterable of chunks, a `Blob`, or one buffer.
 *
 * @example
 * ```ts
 * const source: MediaSource = (await fetch(url)).body!;
 * ```
 */
export type MediaSource =
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>
  | Blob
  | Uint8Array
  | ArrayBuffer;

/**
 * The sha256 (lowercase hex) and size in bytes of a media file.
 *
 * @example
 * ```ts
 * const { sha256, size }: MediaDigest = await sha256Media(file);
 * ```
 */
export interface MediaDigest {
  sha256: string;
  size: number;
}

/**
 * Options of {@link sha256Media}.
 *
 * @example
 * ```ts
 * await sha256Media(stream, { maxBytes: 50_000_000, signal: AbortSignal.timeout(30_000) });
 * ```
 */
export interface Sha256MediaOptions {
  /** Stop reading and throw once more than this many bytes arrived (protects against huge files). */
  maxBytes?: number;
  /** Abort reading. */
  signal?: AbortSignal;
}

function isReadableStream(source: unknown): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream | null)?.getReader === 'function';
}

async function* chunks(source: MediaSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
  } else if (source instanceof ArrayBuffer) {
    yield new Uint8Array(source);
  } else if (typeof Blob !== 'undefined' && source instanceof Blob) {
    yield* chunks(source.stream());
  } else if (isReadableStream(source)) {
    // Read through a reader: not every browser makes ReadableStream async-iterable.
    const reader = source.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        yield value;
      }
    } finally {
      // Stopped early (size limit, abort, error): cancel so that a fetch stops downloading.
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  } else {
    yield* source as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  }
}

/**
 * Computes the sha256 and size of media while it streams, holding one chunk at a time. Runs in
 * browsers and Node (pure JS, from `@noble/hashes`, because WebCrypto has no streaming digest).
 * Throws a {@link BulletinError} `media_read_failed` when the source fails, `media_too_large` when
 * `maxBytes` is passed.
 *
 * @example
 * ```ts
 * const response = await fetch(ref.url);
 * const { sha256, size } = await sha256Media(response.body!);
 * ```
 */
export async function sha256Media(
  source: MediaSource,
  options: Sha256MediaOptions = {},
): Promise<MediaDigest> {
  const hash = sha256.create();
  let size = 0;
  try {
    for await (const chunk of chunks(source)) {
      options.signal?.throwIfAborted();
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError(`expected Uint8Array chunks, found ${Object.prototype.toString.call(chunk)}`);
      }
      size += chunk.byteLength;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw new BulletinError(
          'media_too_large',
          `media is larger than ${options.maxBytes} bytes (read ${size} so far)`,
        );
      }
      hash.update(chunk);
    }
  } catch (cause) {
    if (BulletinError.isInstance(cause)) throw cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new BulletinError('media_read_failed', `could not read media: ${detail}`, { cause });
  }
  return { sha256: bytesToHex(hash.digest()), size };
}

/**
 * Result of {@link verifyMedia}.
 *
 * @example
 * ```ts
 * const { ok, problems }: MediaVerification = await verifyMedia(stream, ref);
 * ```
 */
export interface MediaVerification extends MediaDigest {
  /** True when both digest and size match the reference. */
  ok: boolean;
  /** What differs, one sentence each (empty when `ok`). */
  problems: string[];
}

/**
 * Hashes `source` and compares digest and size with a bulletin's media reference. Reading stops as
 * soon as the bytes exceed `ref.size`. Never throws for a mismatch: check `ok` and `problems`.
 *
 * @example
 * ```ts
 * const check = await verifyMedia((await fetch(ref.url)).body!, ref);
 * if (!check.ok) console.error(check.problems.join('; '));
 * ```
 */
export async function verifyMedia(
  source: MediaSource,
  ref: Pick<MediaRef, 'sha256' | 'size'>,
  options: Pick<Sha256MediaOptions, 'signal'> = {},
): Promise<MediaVerification> {
  let digest: MediaDigest;
  try {
    digest = await sha256Media(source, { ...options, maxBytes: ref.size });
  } catch (error) {
    if (BulletinError.isInstance(error) && error.code === 'media_too_large') {
      return {
        ok: false,
        sha256: '',
        size: ref.size + 1,
        problems: [`expected ${ref.size} bytes, found more; stopped reading`],
      };
    }
    throw error;
  }
  const problems: string[] = [];
  if (digest.size !== ref.size) problems.push(`expected ${ref.size} bytes, found ${digest.size}`);
  if (digest.sha256 !== ref.sha256) problems.push(`expected sha256 ${ref.sha256}, found ${digest.sha256}`);
  return { ...digest, ok: problems.length === 0, problems };
}
