import { loadUnits } from '@nguon/areas';
import { DeviceClient, type DeviceEvent, MemoryBlobStore, MemoryStore, NullAdapter } from '@nguon/device';
import { generateDeviceKey } from '@nguon/device/test';
import type { TrustAnchor } from '@nguon/protocol';
import { nodeBackend } from '@nguon/protocol/node';
import { createServer } from '../app';
import type { Database } from '../db';
import { registeredDeviceRow } from '../routes/devices';
import { ScopeUnits } from '../scope';
import { ADMIN, openTestDb as openTestDbIn, type TestDialect } from '../test-support';
import { unitPath } from './secrets';

export const registry = loadUnits();
export const scope = new ScopeUnits(registry, () => new Date());
export const anc = (code: string) => scope.ancestorsOf(code);

export const openTestDb = (dialect: TestDialect) =>
  openTestDbIn(dialect, { prefix: 'nguon_disp', poolSize: 6 });

/** Registers a device as the registration route would: a row with its key, units and unit path. */
export async function registerDevice(
  db: Database,
  id: string,
  units: string[],
  kind: 'radio' | 'board' = 'radio',
  ancestors: (code: string) => readonly string[] = anc,
): Promise<{ anchor: TrustAnchor; privateJwk: Awaited<ReturnType<typeof generateDeviceKey>>['privateJwk'] }> {
  const key = await generateDeviceKey(id);
  await db.kysely
    .insertInto('devices')
    .values(
      registeredDeviceRow({
        id,
        kind,
        units,
        vendor: 'test',
        model: 'test',
        publicKey: key.anchor.publicKey,
        createdAt: new Date().toISOString(),
        // No MQTT login: these devices connect to a broker that does not authenticate.
        secretHash: '',
        unitPath: unitPath(units, ancestors),
      }),
    )
    .execute();
  return { anchor: key.anchor, privateJwk: key.privateJwk };
}

export interface TestDevice {
  client: DeviceClient;
  events: DeviceEvent[];
  waitFor(test: (e: DeviceEvent) => boolean, timeoutMs?: number): Promise<DeviceEvent>;
  stop(): Promise<void>;
}

/** A real device runtime (memory storage, headless player) for a registered device. */
export function makeDevice(options: {
  url: string;
  province: string;
  id: string;
  units: string[];
  kind?: 'radio' | 'board';
  trust: TrustAnchor[];
  trustVersion: number;
  privateJwk: Awaited<ReturnType<typeof generateDeviceKey>>['privateJwk'];
  playSec?: number;
  /** The MQTT password (an authenticating broker). */
  password?: string;
  /** Persistent state, to restart a device with what it held (default a new one). */
  store?: MemoryStore;
}): TestDevice {
  const kind = options.kind ?? 'radio';
  const client = new DeviceClient({
    deviceId: options.id,
    province: options.province,
    kind,
    units: options.units,
    mqtt: { url: options.url, ...(options.password === undefined ? {} : { password: options.password }) },
    trust: options.trust,
    trustVersion: options.trustVersion,
    privateKey: options.privateJwk,
    store: options.store ?? new MemoryStore(),
    blobs: new MemoryBlobStore(),
    adapter: new NullAdapter({ kind, defaultDurationSec: options.playSec ?? 1 }),
    vendor: 'acme',
    model: 'L-100',
    firmware: '2.3.1',
    verifyBackend: nodeBackend,
    reconnect: { minMs: 100, maxMs: 500 },
  });
  const events: DeviceEvent[] = [];
  const waiters = new Set<{ test: (e: DeviceEvent) => boolean; resolve: (e: DeviceEvent) => void }>();
  client.on('event', (e) => {
    events.push(e);
    for (const w of waiters) {
      if (w.test(e)) {
        waiters.delete(w);
        w.resolve(e);
      }
    }
  });
  return {
    client,
    events,
    waitFor(test, timeoutMs = 10_000) {
      const found = events.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          test,
          resolve: (e: DeviceEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`device ${options.id}: no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    stop: () => client.stop(),
  };
}

/** A server with `hub`, and the calls that take a bulletin to published. */
export async function startApi(db: Database, hub: Parameters<typeof createServer>[0]['hub']) {
  const server = createServer({ db, adminToken: ADMIN, hub, now: () => new Date() });
  const listening = await server.listen(0);
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field
  const call = async (method: string, path: string, token: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${listening.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const token = async (role: string, units: string[]) =>
    (await call('POST', '/v1/tokens', ADMIN, { role, units, label: role })).token as string;
  const editor = await token('editor', ['52']);
  const approver = await token('approver', ['52']);
  return {
    url: listening.url,
    call,
    editor,
    approver,
    /** Creates and publishes a bulletin for `codes` that plays from now for an hour. */
    async publish(
      codes: string[],
      options: { emergency?: boolean; channels?: string[]; endInMs?: number } = {},
    ): Promise<{ id: string; version: number }> {
      const start = new Date(Date.now() - 60_000).toISOString();
      const end = new Date(Date.now() + (options.endInMs ?? 3_600_000)).toISOString();
      const body = {
        category: options.emergency ? 'disaster_emergency' : 'policy',
        priority: options.emergency ? 'emergency' : 'normal',
        channels: options.channels ?? ['radio_ip', 'board'],
        contents: [
          {
            lang: 'vi',
            title: options.emergency ? 'Cảnh báo lốc xoáy' : 'Thông báo lịch tiêm chủng',
            text: 'Người dân theo dõi thông báo của xã.',
          },
        ],
        targets: { units: { at: '2025-07-01', codes } },
        schedule: { start, end },
        issuer: { name: 'Ủy ban nhân dân tỉnh Gia Lai', unitCode: '52' },
      };
      const created = await call('POST', '/v1/bulletins', editor, body);
      if (options.emergency) {
        return call('POST', `/v1/bulletins/${created.id}/publish`, approver, { approve: true });
      }
      await call('POST', `/v1/bulletins/${created.id}/submit`, editor, {});
      await call('POST', `/v1/bulletins/${created.id}/approve`, approver, {});
      return call('POST', `/v1/bulletins/${created.id}/publish`, editor, {});
    },
    async revoke(id: string): Promise<void> {
      await call('POST', `/v1/bulletins/${id}/revoke`, approver, { reason: 'Hủy' });
    },
    close: () => listening.close(),
  };
}

/** Polls `read` until `test` holds (database rows written by another task). */
export async function until<T>(
  read: () => Promise<T>,
  test: (v: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`until: condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
