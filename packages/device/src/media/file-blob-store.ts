import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeviceError } from '../errors';
import { assertSha256, type BlobStore, type StoredBlob } from './blob-store';

const BLOB_NAME = /^[0-9a-f]{64}$/;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Makes a rename durable: on Linux the new directory entry survives a power cut only once the directory is synced. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or sync a directory; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * A {@link BlobStore} on disk (Node): one file per blob in `dir`, named by its sha256, so that a
 * command-line player can open it (`pathOf`). Writes are atomic (temporary file, fsync, rename):
 * after a power cut a blob is either whole or absent, never half written.
 *
 * @example
 * ```ts
 * import { FileBlobStore } from '@nguon/device/node';
 * const store = new FileBlobStore('/var/lib/nguon/media');
 * const cache = new MediaCache({ store, limitBytes: 500_000_000 });
 * ```
 */
export class FileBlobStore implements BlobStore {
  /** The directory holding the blobs. */
  readonly dir: string;

  /** @param dir created on first write if missing. */
  constructor(dir: string) {
    this.dir = dir;
  }

  #file(sha256: string): string {
    assertSha256(sha256);
    return join(this.dir, sha256);
  }

  /** @example `await store.has(sha)` */
  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.#file(sha256))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** @example `const bytes = await store.get(sha)` */
  async get(sha256: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.#file(sha256)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new DeviceError('store', `could not read blob ${sha256} in the media directory`, {
        cause: error,
      });
    }
  }

  /** Writes the blob atomically. @example `await store.put(sha, bytes)` */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const target = this.#file(sha256);
    const temp = join(this.dir, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
      await syncDirectory(this.dir);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new DeviceError('store', `could not write blob ${sha256} to the media directory`, {
        path: target,
        cause: error,
      });
    }
  }

  /** @example `await store.delete(sha)` */
  async delete(sha256: string): Promise<void> {
    await rm(this.#file(sha256), { force: true });
  }

  /** Every blob with its size, oldest write first; leftover temporary files are removed. @example `await store.list()` */
  async list(): Promise<StoredBlob[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const found: (StoredBlob & { mtime: number })[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        await rm(path, { force: true });
        continue;
      }
      if (!BLOB_NAME.test(name)) continue;
      try {
        const info = await stat(path);
        if (info.isFile()) found.push({ sha256: name, size: info.size, mtime: info.mtimeMs });
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    found.sort((a, b) => a.mtime - b.mtime);
    return found.map(({ sha256, size }) => ({ sha256, size }));
  }

  /** @example `await store.usedBytes()` */
  async usedBytes(): Promise<number> {
    return (await this.list()).reduce((total, blob) => total + blob.size, 0);
  }

  /** The blob's file path, or undefined when it is not stored. @example `spawn('mpg123', [store.pathOf(sha)!])` */
  pathOf(sha256: string): string | undefined {
    const path = this.#file(sha256);
    return existsSync(path) ? path : undefined;
  }

  /** A `file:` URL of the blob. @example `store.urlOf(sha, 'audio/mpeg')` */
  urlOf(sha256: string): string | undefined {
    const path = this.pathOf(sha256);
    return path === undefined ? undefined : pathToFileURL(path).href;
  }
}
