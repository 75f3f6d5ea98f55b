import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BulletinError, sha256Media, verifyMedia } from './index';

const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const bytes = (s: string) => new TextEncoder().encode(s);

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

describe('sha256Media', () => {
  test('known digests (FIPS 180-2 "abc" and the empty input)', async () => {
    expect(await sha256Media(bytes('abc'))).toEqual({ sha256: ABC, size: 3 });
    expect(await sha256Media(new Uint8Array())).toEqual({ sha256: EMPTY, size: 0 });
  });

  test('web streams, async iterables, iterables and Blobs give the same digest', async () => {
    const parts = [bytes('a'), bytes('b'), bytes('c')];
    async function* gen() {
      yield* parts;
    }
    expect(await sha256Media(streamOf(parts))).toEqual({ sha256: ABC, size: 3 });
    expect(await sha256Media(gen())).toEqual({ sha256: ABC, size: 3 });
    expect(await sha256Media(parts)).toEqual({ sha256: ABC, size: 3 });
    expect(await sha256Media(new Blob(parts))).toEqual({ sha256: ABC, size: 3 });
    expect(await sha256Media(bytes('abc').buffer)).toEqual({ sha256: ABC, size: 3 });
  });

  test('chunking never changes the digest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.array(fc.nat({ max: 5000 })),
        async (data, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let from = 0;
          for (const p of [...points, data.length]) {
            chunks.push(data.subarray(from, p));
            from = p;
          }
          expect(await sha256Media(streamOf(chunks))).toEqual(await sha256Media(data));
        },
      ),
      { numRuns: 50 },
    );
  });

  test('a failing stream gives a BulletinError media_read_failed', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error('connection reset');
      },
    });
    const error = await sha256Media(failing).catch((e: unknown) => e);
    expect(BulletinError.isInstance(error)).toBe(true);
    expect((error as BulletinError).code).toBe('media_read_failed');
    expect((error as BulletinError).message).toBe('could not read media: connection reset');
  });

  test('maxBytes stops reading', async () => {
    const error = await sha256Media(bytes('abcdef'), { maxBytes: 4 }).catch((e: unknown) => e);
    expect((error as BulletinError).code).toBe('media_too_large');
  });
});

describe('verifyMedia', () => {
  test('matching media is ok', async () => {
    expect(await verifyMedia(bytes('abc'), { sha256: ABC, size: 3 })).toEqual({
      ok: true,
      sha256: ABC,
      size: 3,
      problems: [],
    });
  });

  test('tampered media says what differs', async () => {
    const result = await verifyMedia(bytes('abd'), { sha256: ABC, size: 3 });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([`expected sha256 ${ABC}, found ${result.sha256}`]);
  });

  test('longer media stops at the declared size', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const result = await verifyMedia(endless, { sha256: ABC, size: 4096 });
    expect(result).toMatchObject({
      ok: false,
      problems: ['expected 4096 bytes, found more; stopped reading'],
    });
    expect(pulled).toBeLessThan(10);
  });

  test('shorter media reports both size and digest', async () => {
    const result = await verifyMedia(bytes('ab'), { sha256: ABC, size: 3 });
    expect(result.problems[0]).toBe('expected 3 bytes, found 2');
    expect(result.problems).toHaveLength(2);
  });
});
