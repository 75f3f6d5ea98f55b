import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceError } from './errors';
import { FileStore } from './file-store';
import { type KeyValueStore, MemoryStore } from './store';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nguon-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const stores: [string, () => Promise<KeyValueStore>][] = [
  ['MemoryStore', async () => new MemoryStore()],
  ['FileStore', async () => new FileStore(await tempDir())],
];

describe.each(stores)('%s', (_name, make) => {
  it('gets what was set, lists keys by prefix, deletes', async () => {
    const store = await make();
    expect(await store.get('missing')).toBeUndefined();
    await store.set('receipt/1', { seq: 1 });
    await store.set('receipt/2', { seq: 2 });
    await store.set('session', 3);
    expect(await store.get('receipt/2')).toEqual({ seq: 2 });
    expect(await store.keys('receipt/')).toEqual(['receipt/1', 'receipt/2']);
    expect(await store.keys()).toEqual(['receipt/1', 'receipt/2', 'session']);
    await store.delete('receipt/1');
    await store.delete('never-there');
    expect(await store.keys('receipt/')).toEqual(['receipt/2']);
  });

  it('returns copies, not the stored object', async () => {
    const store = await make();
    const value = { list: [1] };
    await store.set('v', value);
    value.list.push(2);
    const read = await store.get<{ list: number[] }>('v');
    expect(read).toEqual({ list: [1] });
  });

  it('round-trips any key and JSON value', async () => {
    const store = await make();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.jsonValue(), async (key, value) => {
        await store.set(key, value);
        expect(await store.get(key)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(await store.keys()).toContain(key);
      }),
      { numRuns: 40 },
    );
  });
});

describe('FileStore', () => {
  it('keeps values across instances and leaves no temporary files', async () => {
    const dir = await tempDir();
    const a = new FileStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => a.set('counter', i)));
    const b = new FileStore(dir);
    expect(await b.get('counter')).toBe(19);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a corrupt file as a DeviceError naming the file', async () => {
    const dir = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'session.json'), '{not json');
    const error = await new FileStore(dir).get('session').catch((e: unknown) => e);
    expect(DeviceError.isInstance(error)).toBe(true);
    expect((error as DeviceError).code).toBe('store');
    expect((error as DeviceError).message).toContain('session.json');
  });
});
