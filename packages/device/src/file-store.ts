import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceError } from './errors';
import type { KeyValueStore } from './store';

const SUFFIX = '.json';

function fileName(key: string): string {
  if (key.length === 0) throw new DeviceError('store', 'store key: expected a non-empty key, found ""');
  return encodeURIComponent(key).replace(/\./g, '%2E') + SUFFIX;
}

/**
 * A {@link KeyValueStore} of JSON files in a directory (Node only), one file per key. Every `set` is
 * atomic and durable: the value goes to a temporary file that is fsynced, renamed over the old file,
 * and the directory is fsynced, so a power cut leaves either the old or the new value, never half.
 * Writes to the same key are serialised.
 *
 * @example
 * ```ts
 * import { FileStore } from '@nguon/device/node';
 * const store = new FileStore('/var/lib/nguon-device');
 * await store.set('session', 7);
 * ```
 */
export class FileStore implements KeyValueStore {
  /** The directory holding the files. */
  readonly dir: string;
  #ready: Promise<void> | undefined;
  readonly #queues = new Map<string, Promise<void>>();
  #tmp = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  #ensureDir(): Promise<void> {
    this.#ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.#ready;
  }

  /** @example `await store.get<number>('session')` */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    const file = join(this.dir, fileName(key));
    await this.#queues.get(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DeviceError('store', `store ${key}: cannot read ${file}`, { path: file, cause });
    }
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new DeviceError(
        'store',
        `store ${key}: expected JSON in ${file}, found ${JSON.stringify(text.slice(0, 40))}`,
        {
          path: file,
          cause,
        },
      );
    }
  }

  /** @example `await store.set('session', 8)` */
  set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined)
      return Promise.reject(
        new DeviceError('store', `store ${key}: expected a JSON value, found ${typeof value}`),
      );
    return this.#enqueue(key, () => this.#write(key, text));
  }

  /** @example `await store.delete('session')` */
  delete(key: string): Promise<void> {
    return this.#enqueue(key, async () => {
      await rm(join(this.dir, fileName(key)), { force: true });
    });
  }

  /** @example `await store.keys('receipt/')` */
  async keys(prefix = ''): Promise<string[]> {
    await this.#ensureDir();
    await Promise.all(this.#queues.values());
    const names = await readdir(this.dir);
    return names
      .filter((n) => n.endsWith(SUFFIX))
      .map((n) => decodeURIComponent(n.slice(0, -SUFFIX.length)))
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  #enqueue(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    const settled = next.catch(() => undefined);
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return next;
  }

  async #write(key: string, text: string): Promise<void> {
    await this.#ensureDir();
    const file = join(this.dir, fileName(key));
    const tmp = `${file}.${process.pid}.${++this.#tmp}.tmp`;
    try {
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
      const dir = await open(this.dir, 'r');
      try {
        await dir.sync();
      } catch {
        // Some file systems refuse fsync on a directory; the rename is still atomic.
      } finally {
        await dir.close();
      }
    } catch (cause) {
      await rm(tmp, { force: true });
      throw new DeviceError('store', `store ${key}: cannot write ${file}`, { path: file, cause });
    }
  }
}
