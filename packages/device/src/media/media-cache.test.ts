import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../errors';
import { PlayoutScheduler } from '../scheduler/playout-scheduler';
import { TestClock } from '../scheduler/test-clock';
import { MemoryBlobStore } from './blob-store';
import { FileBlobStore } from './file-blob-store';
import { MediaCache, type MediaRef } from './media-cache';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);

/** A real HTTP server on port 0 serving `files` by path; counts requests per path. */
let server: Server;
let base: string;
interface Served {
  body: Uint8Array;
  delayMs?: number;
  status?: number;
  hang?: boolean;
  /** Answer 503 to this many requests first. */
  failFirst?: number;
}
const files = new Map<string, Served>();
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const file = files.get(path);
    if (file === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (file.hang) return;
    if ((hits.get(path) ?? 0) <= (file.failFirst ?? 0)) {
      res.writeHead(503).end('busy');
      return;
    }
    setTimeout(() => {
      res.writeHead(file.status ?? 200, { 'content-type': 'application/octet-stream' });
      // Two chunks, so hashing really streams.
      const half = Math.floor(file.body.byteLength / 2);
      res.write(file.body.subarray(0, half));
      res.end(file.body.subarray(half));
    }, file.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let counter = 0;
function serve(body: Uint8Array, options: Omit<Served, 'body'> = {}): MediaRef {
  const path = `/m/${++counter}.mp3`;
  files.set(path, { body, ...options });
  return { url: `${base}${path}`, sha256: sha(body), size: body.byteLength, mime: 'audio/mpeg' };
}
const hitsOf = (ref: MediaRef) => hits.get(new URL(ref.url).pathname) ?? 0;

async function rejection(promise: Promise<unknown>): Promise<DeviceError> {
  try {
    await promise;
  } catch (error) {
    if (DeviceError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a DeviceError, the promise resolved');
}

describe('MediaCache', () => {
  it('downloads, verifies and then serves from the cache without fetching again', async () => {
    const bytes = text('bản tin phát thanh xã Ia Grai');
    const ref = { ...serve(bytes), durationSec: 12 };
    const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 1000 });
    const first = await cache.ensure(ref);
    expect(first).toMatchObject({
      sha256: ref.sha256,
      size: bytes.byteLength,
      mime: 'audio/mpeg',
      durationSec: 12,
    });
    expect(first.bytes).toEqual(bytes);
    expect(first.url).toMatch(/^blob:/);
    const second = await cache.ensure(ref);
    expect(second.bytes).toEqual(bytes);
    expect(hitsOf(ref)).toBe(1);
    expect(await cache.usedBytes()).toBe(bytes.byteLength);
  });

  it('P-M1: refuses bytes whose sha256 differs, saying expected and found, and keeps nothing', async () => {
    const ref = serve(text('original audio'));
    const tampered = text('tampered audio');
    files.set(new URL(ref.url).pathname, { body: tampered });
    const store = new MemoryBlobStore();
    const error = await rejection(new MediaCache({ store, limitBytes: 1000 }).ensure(ref));
    expect(error.code).toBe('media_integrity');
    expect(error.message).toBe(`expected sha256 ${ref.sha256} from ${ref.url}, found ${sha(tampered)}`);
    expect(await store.usedBytes()).toBe(0);
  });

  it('P-M1: refuses a file shorter or longer than its size', async () => {
    const bytes = text('0123456789');
    const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 1000 });
    const short = { ...serve(bytes), size: 11 };
    const shortError = await rejection(cache.ensure(short));
    expect(shortError.code).toBe('media_integrity');
    expect(shortError.message).toBe(`expected 11 bytes from ${short.url}, found 10`);
    const long = { ...serve(bytes), size: 4 };
    const longError = await rejection(cache.ensure(long));
    expect(longError.code).toBe('media_integrity');
    expect(longError.message).toContain('expected 4 bytes');
    expect(longError.message).toContain('found more');
  });

  it('reports HTTP errors, refused connections and timeouts as media_unavailable', async () => {
    const cache = new MediaCache({
      store: new MemoryBlobStore(),
      limitBytes: 1000,
      timeoutMs: 300,
      retries: 0,
    });
    const missing = { url: `${base}/nothing-here`, sha256: 'a'.repeat(64), size: 3, mime: 'audio/mpeg' };
    const notFound = await rejection(cache.ensure(missing));
    expect(notFound.code).toBe('media_unavailable');
    expect(notFound.message).toContain('found HTTP 404');

    const refused = await rejection(cache.ensure({ ...missing, url: 'http://127.0.0.1:1/a.mp3' }));
    expect(refused.code).toBe('media_unavailable');
    expect(refused.message).toContain('could not fetch http://127.0.0.1:1/a.mp3');

    const hung = serve(text('never sent'), { hang: true });
    const timedOut = await rejection(cache.ensure(hung));
    expect(timedOut.code).toBe('media_unavailable');
    expect(timedOut.message).toContain('300 ms');
  });

  it('retries a failed download with growing delays, and says how often it tried', async () => {
    const bytes = text('mạng chập chờn');
    const ref = serve(bytes, { failFirst: 2 });
    const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 1000, retryDelayMs: 20 });
    const started = Date.now();
    expect((await cache.ensure(ref)).bytes).toEqual(bytes);
    expect(hitsOf(ref)).toBe(3); // 503, then 503 after 20 ms, then served after 40 ms more
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);

    const gone = { url: `${base}/gone.mp3`, sha256: 'd'.repeat(64), size: 1, mime: 'audio/mpeg' };
    const error = await rejection(
      new MediaCache({ store: new MemoryBlobStore(), limitBytes: 1000, retries: 1, retryDelayMs: 1 }).ensure(
        gone,
      ),
    );
    expect(error.code).toBe('media_unavailable');
    expect(error.message).toBe(
      `expected HTTP 200 with a body from ${gone.url}, found HTTP 404 (after 2 attempts)`,
    );
    expect(hits.get('/gone.mp3')).toBe(2);
  });

  it('never retries a hash mismatch', async () => {
    const ref = { ...serve(text('abc')), sha256: 'e'.repeat(64) };
    const error = await rejection(
      new MediaCache({ store: new MemoryBlobStore(), limitBytes: 1000, retryDelayMs: 1 }).ensure(ref),
    );
    expect(error.code).toBe('media_integrity');
    expect(hitsOf(ref)).toBe(1);
  });

  it('shares one download between concurrent requests for the same sha256', async () => {
    const ref = serve(text('một lần tải cho nhiều bản tin'), { delayMs: 50 });
    const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 1000 });
    const results = await Promise.all([cache.ensure(ref), cache.ensure(ref), cache.ensure({ ...ref })]);
    expect(hitsOf(ref)).toBe(1);
    for (const media of results) expect(media.sha256).toBe(ref.sha256);
  });

  it('evicts the least recently used media to stay under the limit', async () => {
    const store = new MemoryBlobStore();
    const cache = new MediaCache({ store, limitBytes: 25 });
    const a = serve(text('aaaaaaaaaa'));
    const b = serve(text('bbbbbbbbbb'));
    const c = serve(text('cccccccccc'));
    await cache.ensure(a);
    await cache.ensure(b);
    await cache.ensure(a); // a is now more recent than b
    await cache.ensure(c);
    expect(await store.has(a.sha256)).toBe(true);
    expect(await store.has(b.sha256)).toBe(false);
    expect(await store.has(c.sha256)).toBe(true);
    expect(await cache.usedBytes()).toBe(20);
  });

  it('never evicts media in use, and refuses what cannot fit beside it', async () => {
    const store = new MemoryBlobStore();
    const scheduled = new Set<string>();
    const cache = new MediaCache({ store, limitBytes: 25, inUse: (s) => scheduled.has(s) });
    const a = serve(text('aaaaaaaaaa'));
    const b = serve(text('bbbbbbbbbb'));
    await cache.ensure(a);
    await cache.ensure(b);
    scheduled.add(a.sha256);
    cache.retain(b.sha256);
    const c = serve(text('cccccccccc'));
    const error = await rejection(cache.ensure(c));
    expect(error.code).toBe('media_unavailable');
    expect(error.message).toContain('20 of 25 bytes are held by media in use');
    cache.release(b.sha256);
    await cache.ensure(c);
    expect([await store.has(a.sha256), await store.has(b.sha256), await store.has(c.sha256)]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('keeps media of bulletins the scheduler still has to play', async () => {
    const clock = new TestClock(Date.now());
    const scheduler = new PlayoutScheduler({
      clock,
      run: async () => ({ outcome: 'completed' }),
      config: () => ({}),
      onPlay: () => undefined,
    });
    const store = new MemoryBlobStore();
    const cache = new MediaCache({ store, limitBytes: 25, inUse: (s) => scheduler.usesMedia(s) });
    const tonight = serve(text('tonight---'));
    const media = await cache.ensure(tonight);
    scheduler.add({
      bulletinId: 'evening-news',
      version: 1,
      priority: 'normal',
      category: 'news',
      lang: 'vi',
      media,
      startAt: clock.now() + 3_600_000,
    });
    await cache.ensure(serve(text('other-1---')));
    await cache.ensure(serve(text('other-2---')));
    expect(await store.has(tonight.sha256)).toBe(true);
    await clock.runAll(); // played: no longer in use
    await cache.ensure(serve(text('other-3---')));
    expect(await store.has(tonight.sha256)).toBe(false);
  });

  it('hands out copies: changing returned bytes does not change the cache', async () => {
    const bytes = text('nguyên vẹn');
    const ref = serve(bytes);
    const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 1000 });
    (await cache.ensure(ref)).bytes!.fill(0);
    (await cache.ensure(ref)).bytes!.fill(0);
    expect((await cache.ensure(ref)).bytes).toEqual(bytes);
  });

  it('refuses media larger than the whole cache before downloading it', async () => {
    const ref = serve(new Uint8Array(100));
    const error = await rejection(
      new MediaCache({ store: new MemoryBlobStore(), limitBytes: 99 }).ensure(ref),
    );
    expect(error.code).toBe('media_unavailable');
    expect(error.message).toContain('larger than the whole media cache (limit 99 bytes)');
    expect(hitsOf(ref)).toBe(0);
  });

  it('rejects a malformed sha256 and a bad limit with typed errors', async () => {
    const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 10 });
    const error = await rejection(
      cache.ensure({ url: `${base}/x`, sha256: 'ABC', size: 1, mime: 'audio/mpeg' }),
    );
    expect(error.code).toBe('invalid_message');
    expect(error.message).toBe('expected media.sha256 as 64 lowercase hex characters, found "ABC"');
    expect(() => new MediaCache({ store: new MemoryBlobStore(), limitBytes: 0 })).toThrow(
      'expected limitBytes > 0',
    );
    const sized = await rejection(
      cache.ensure({ url: `${base}/x`, sha256: 'a'.repeat(64), size: 1.5, mime: 'audio/mpeg' }),
    );
    expect(sized.message).toBe('expected media.size to be a whole number of bytes, found 1.5');
  });

  it('property: any media reference is fetched or refused with a DeviceError, never a crash', async () => {
    const cache = new MediaCache({
      store: new MemoryBlobStore(),
      limitBytes: 1000,
      retries: 0,
      fetch: async () => new Response(text('abc') as Uint8Array<ArrayBuffer>),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          url: fc.oneof(fc.constant('https://m.example.vn/a'), fc.anything()),
          sha256: fc.oneof(fc.constant(sha(text('abc'))), fc.stringMatching(/^[0-9a-f]{64}$/), fc.anything()),
          size: fc.oneof(fc.constant(3), fc.anything(), fc.integer()),
          mime: fc.oneof(fc.constant('audio/mpeg'), fc.anything()),
        }),
        async (ref) => {
          try {
            const media = await cache.ensure(ref as MediaRef);
            expect(media.sha256).toBe(sha(text('abc')));
          } catch (error) {
            expect(DeviceError.isInstance(error)).toBe(true);
            expect(['invalid_message', 'media_integrity', 'media_unavailable']).toContain(
              (error as DeviceError).code,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: ensure succeeds exactly when the bytes match, and fails only with typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.oneof(
          fc.constant({ kind: 'same' as const }),
          fc.record({
            kind: fc.constant('flip' as const),
            at: fc.nat(),
            bit: fc.integer({ min: 0, max: 7 }),
          }),
          fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
          fc.record({
            kind: fc.constant('extend' as const),
            extra: fc.uint8Array({ minLength: 1, maxLength: 20 }),
          }),
        ),
        async (original, change) => {
          let served = original;
          if (change.kind === 'flip' && original.byteLength > 0) {
            served = original.slice();
            const i = change.at % served.byteLength;
            served[i] = (served[i] ?? 0) ^ (1 << change.bit);
          } else if (change.kind === 'cut') {
            served = original.subarray(0, change.at % (original.byteLength + 1));
          } else if (change.kind === 'extend') {
            served = new Uint8Array([...original, ...change.extra]);
          }
          const ref = {
            url: 'https://media.example.vn/p.mp3',
            sha256: sha(original),
            size: original.byteLength,
            mime: 'audio/mpeg',
          };
          const store = new MemoryBlobStore();
          const cache = new MediaCache({
            store,
            limitBytes: 1000,
            fetch: async () => new Response(served as Uint8Array<ArrayBuffer>),
          });
          const same = served.byteLength === original.byteLength && sha(served) === ref.sha256;
          try {
            const media = await cache.ensure(ref);
            expect(same).toBe(true);
            expect(media.bytes).toEqual(original);
          } catch (error) {
            expect(DeviceError.isInstance(error) && error.code).toBe('media_integrity');
            expect(same).toBe(false);
            expect(await store.usedBytes()).toBe(0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('MediaCache eviction (property)', () => {
  it('stays under its limit, never evicts pinned or in-use media, and refuses only what cannot fit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            file: fc.integer({ min: 0, max: 7 }),
            pin: fc.boolean(),
            unpin: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 40, max: 120 }),
        async (steps, sizes, limit) => {
          const blobs = sizes.map((size, i) => new Uint8Array(size).fill(i + 1));
          const refs = blobs.map((b, i) => ({
            url: `https://m.example.vn/${i}`,
            sha256: sha(b),
            size: b.byteLength,
            mime: 'audio/mpeg',
          }));
          const store = new MemoryBlobStore();
          const inUse = new Set<string>();
          const cache = new MediaCache({
            store,
            limitBytes: limit,
            retries: 0,
            inUse: (s) => inUse.has(s),
            fetch: async (url) =>
              new Response(blobs[Number(String(url).split('/').pop())] as Uint8Array<ArrayBuffer>),
          });
          for (const step of steps) {
            const ref = refs[step.file]!;
            const protectedBefore = [...inUse];
            try {
              await cache.ensure(ref);
              if (step.pin) inUse.add(ref.sha256);
            } catch (error) {
              expect(DeviceError.isInstance(error) && error.code).toBe('media_unavailable');
              const held = (await store.list())
                .filter((b) => inUse.has(b.sha256))
                .reduce((t, b) => t + b.size, 0);
              expect(held + ref.size).toBeGreaterThan(limit);
            }
            if (step.unpin !== undefined) inUse.delete(refs[step.unpin]!.sha256);
            expect(await store.usedBytes()).toBeLessThanOrEqual(limit);
            expect(await cache.usedBytes()).toBe(await store.usedBytes());
            for (const sha256 of protectedBefore) {
              if (inUse.has(sha256)) expect(await store.has(sha256)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('FileBlobStore', () => {
  it('stores blobs as files named by sha256, atomically, and rebuilds the cache after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nguon-blobs-'));
    try {
      const store = new FileBlobStore(join(dir, 'media'));
      const bytes = text('tin khẩn cấp');
      const ref = serve(bytes);
      const cache = new MediaCache({ store, limitBytes: 1000 });
      const media = await cache.ensure(ref);
      expect(media.path).toBe(join(dir, 'media', ref.sha256));
      expect(media.url).toMatch(/^file:\/\//);
      expect(media.bytes).toBeUndefined();
      expect(await readdir(join(dir, 'media'))).toEqual([ref.sha256]);
      expect(await store.get(ref.sha256)).toEqual(bytes);
      expect(store.pathOf('b'.repeat(64))).toBeUndefined();

      // A new process: the cache finds the stored blob and does not download it again.
      const restarted = new MediaCache({ store: new FileBlobStore(join(dir, 'media')), limitBytes: 1000 });
      expect(await restarted.has(ref.sha256)).toBe(true);
      await restarted.ensure(ref);
      expect(hitsOf(ref)).toBe(1);
      expect(await restarted.usedBytes()).toBe(bytes.byteLength);

      await store.delete(ref.sha256);
      expect(await store.has(ref.sha256)).toBe(false);
      expect(await store.get(ref.sha256)).toBeUndefined();
      expect(await store.usedBytes()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses names that are not a sha256, so no path can escape the directory', async () => {
    const store = new FileBlobStore('media');
    await expect(store.put('../../etc/passwd', new Uint8Array(1))).rejects.toThrow(
      'expected sha256 as 64 lowercase hex characters',
    );
    expect(() => store.pathOf('../x')).toThrow(DeviceError);
  });

  it('lists an empty store when the directory does not exist yet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nguon-blobs-'));
    try {
      expect(await new FileBlobStore(join(dir, 'absent')).list()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
