import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceAcl } from '@nguon/protocol';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../db';
import { DIALECTS } from '../test-support';
import {
  COMMUNES,
  collect,
  connect,
  deviceId,
  insertDevice,
  openTestDb,
  registry,
  sleep,
  subscribeGranted,
  until,
} from './broker-test-support';
import { MOSQUITTO_CONF, mosquittoFiles, writeMosquittoFiles } from './mosquitto';
import { verifyMqttPassword } from './secrets';

const SYSTEM = { username: 'nguon-system', password: 'system-password-for-mosquitto-0001' };
// province 98 does not exist: these topics never meet other tests on a shared broker
const P = '98';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a real Mosquitto on a free port with the generated files; retries when the port was taken. */
async function startMosquitto(
  dir: string,
): Promise<{ url: string; process: ChildProcess; log: () => string }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const snippet = readFileSync(join(dir, 'nguon.conf'), 'utf8')
      .replace(/^password_file passwd$/m, `password_file ${join(dir, 'passwd')}`)
      .replace(/^acl_file acl$/m, `acl_file ${join(dir, 'acl')}`);
    const conf = [
      `listener ${port} 127.0.0.1`,
      'persistence false',
      'log_dest stderr',
      'log_type all',
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      snippet,
    ].join('\n');
    writeFileSync(join(dir, 'test.conf'), conf);
    const child = spawn('mosquitto', ['-c', join(dir, 'test.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const up = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (log.includes('running')) {
          clearInterval(timer);
          resolve(true);
        }
      }, 20);
      child.once('exit', () => {
        clearInterval(timer);
        resolve(false);
      });
    });
    if (up) return { url: `mqtt://127.0.0.1:${port}`, process: child, log: () => log };
    if (!/in use/i.test(log)) throw new Error(`mosquitto did not start:\n${log}`);
  }
  throw new Error('mosquitto: no free port after 5 attempts');
}

describe('mosquittoFiles', () => {
  test('writes each device’s stored hash and exact topics, the system user hashed, nguon.conf', async () => {
    const { db, drop } = await openTestDb('sqlite');
    const dir = mkdtempSync(join(tmpdir(), 'nguon-mosq-'));
    try {
      const id = deviceId();
      await insertDevice(db, id, [COMMUNES[0] as string]);
      const files = await mosquittoFiles({ db, province: P, system: SYSTEM });
      expect(files.devices).toBe(1);
      const row = await db.kysely.selectFrom('devices').select('secret_hash').executeTakeFirstOrThrow();
      const lines = files.passwordFile.trim().split('\n');
      expect(lines[0]).toBe(`${id}:${row.secret_hash}`);
      const [user, hash] = (lines[1] as string).split(':') as [string, string];
      expect(user).toBe(SYSTEM.username);
      expect(verifyMqttPassword(SYSTEM.password, hash)).toBe(true);
      expect(files.aclFile).toContain(
        [
          `user ${id}`,
          `topic read nguon/v1/${P}/dev/${id}/cmd`,
          `topic read nguon/v1/${P}/area/${COMMUNES[0]}`,
          `topic read nguon/v1/${P}/area/${P}`,
          `topic write nguon/v1/${P}/dev/${id}/evt/hello`,
        ].join('\n'),
      );
      expect(files.aclFile).toContain(`user nguon-system\ntopic readwrite nguon/v1/${P}/#`);
      expect(files.aclFile).not.toMatch(/^topic (read|write) .*[#+]/m);
      const paths = await writeMosquittoFiles(dir, files);
      expect(paths).toEqual([join(dir, 'passwd'), join(dir, 'acl'), join(dir, 'nguon.conf')]);
      expect(statSync(join(dir, 'passwd')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'nguon.conf'), 'utf8')).toBe(MOSQUITTO_CONF);
      expect(MOSQUITTO_CONF).toMatch(/^allow_anonymous false$/m);
      // a second write replaces the files (no temporary file is left)
      await writeMosquittoFiles(dir, { ...files, aclFile: '# empty\n' });
      expect(readFileSync(join(dir, 'acl'), 'utf8')).toBe('# empty\n');
      expect((await import('node:fs')).readdirSync(dir).sort()).toEqual(['acl', 'nguon.conf', 'passwd']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await drop();
    }
  });

  test('property: each device block holds exactly the topics of deviceAcl, and nothing else', async () => {
    const { db, drop } = await openTestDb('sqlite');
    try {
      const unitCodes = fc.uniqueArray(
        fc.constantFrom(...registry.descendants('52', '2025-07-01').map((u) => u.code)),
        {
          minLength: 1,
          maxLength: 4,
        },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(unitCodes, { minLength: 1, maxLength: 5 }), async (devices) => {
          await db.kysely.deleteFrom('devices').execute();
          const ids: string[] = [];
          for (const units of devices) {
            const id = deviceId();
            ids.push(id);
            await insertDevice(db, id, units);
          }
          const files = await mosquittoFiles({ db, province: P, system: SYSTEM });
          expect(files.devices).toBe(devices.length);
          const blocks = files.aclFile.split(/\n(?=user )/).slice(1);
          expect(blocks).toHaveLength(devices.length + 1);
          for (const [i, units] of devices.entries()) {
            const id = ids[i] as string;
            const block = blocks.find((b) => b.startsWith(`user ${id}\n`)) as string;
            const acl = deviceAcl(P, id, units);
            const lines = block
              .split('\n')
              .filter((line) => line !== '' && !line.startsWith('#'))
              .slice(1);
            expect(lines.sort()).toEqual(
              [
                ...acl.subscribe.map((t) => `topic read ${t}`),
                ...acl.publish.map((t) => `topic write ${t}`),
              ].sort(),
            );
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      await drop();
    }
  });

  test('refuses a device named like the system user and a bad system username', async () => {
    const { db, drop } = await openTestDb('sqlite');
    try {
      await insertDevice(db, 'nguon-system', [COMMUNES[0] as string]);
      await expect(mosquittoFiles({ db, province: P, system: SYSTEM })).rejects.toThrow(
        /device "nguon-system" has the system user's name/,
      );
      await expect(
        mosquittoFiles({ db, province: P, system: { username: 'bad user', password: 'x' } }),
      ).rejects.toThrow(/expected a system username/);
    } finally {
      await drop();
    }
  });
});

describe.each(DIALECTS)('a real Mosquitto with the files from %s', (dialect) => {
  let db: Database;
  let drop: () => Promise<void>;
  let dir: string;
  let mosquitto: Awaited<ReturnType<typeof startMosquitto>>;
  let system: MqttClient;
  let seen: ReturnType<typeof collect>;
  const open: MqttClient[] = [];
  const a = deviceId();
  const b = deviceId();
  let passA = '';
  let passB = '';
  const device = async (id: string, password: string) => {
    const client = await connect(mosquitto.url, { clientId: id, username: id, password });
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(dialect));
    passA = await insertDevice(db, a, [COMMUNES[0] as string]);
    passB = await insertDevice(db, b, [COMMUNES[1] as string]);
    dir = mkdtempSync(join(tmpdir(), 'nguon-mosq-'));
    await writeMosquittoFiles(dir, await mosquittoFiles({ db, province: P, system: SYSTEM }));
    mosquitto = await startMosquitto(dir);
    system = await connect(mosquitto.url, { clientId: `sys-${deviceId()}`, ...SYSTEM, protocolVersion: 5 });
    seen = collect(system);
    const granted = await subscribeGranted(system, {
      [`$share/nguon/nguon/v1/${P}/dev/+/evt/+`]: { qos: 1 },
      [`$share/nguon/nguon/v1/${P}/dev/+/presence`]: { qos: 1 },
    });
    expect(granted).toEqual([1, 1]);
  });

  afterAll(async () => {
    for (const client of open) client.end(true);
    system?.end(true);
    if (mosquitto && mosquitto.process.exitCode === null) {
      const exited = new Promise((resolve) => mosquitto.process.once('exit', resolve));
      mosquitto.process.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  test('devices log in with the stored hash; wrong ones are refused', async () => {
    expect((await device(a, passA)).connected).toBe(true);
    await expect(connect(mosquitto.url, { clientId: a, username: a, password: passB })).rejects.toThrow(
      /bad username or password|not authorized/i,
    );
    const unknown = deviceId();
    await expect(
      connect(mosquitto.url, { clientId: unknown, username: unknown, password: passA }),
    ).rejects.toThrow(/bad username or password|not authorized/i);
    await expect(connect(mosquitto.url, { clientId: 'anon-x' })).rejects.toThrow(/not authorized/i);
  });

  test('a device reads only its cmd and area topics', async () => {
    const client = await device(a, passA);
    const got = collect(client);
    const cmdA = `nguon/v1/${P}/dev/${a}/cmd`;
    const area = `nguon/v1/${P}/area/${COMMUNES[0]}`;
    expect(await subscribeGranted(client, { [cmdA]: { qos: 1 }, [area]: { qos: 1 } })).toEqual([1, 1]);
    // Mosquitto grants a denied subscription on MQTT 3.1.1 but never delivers to it
    await subscribeGranted(client, {
      [`nguon/v1/${P}/dev/${b}/cmd`]: { qos: 1 },
      [`nguon/v1/${P}/#`]: { qos: 0 },
    });
    await system.publishAsync(`nguon/v1/${P}/dev/${b}/cmd`, 'for b', { qos: 1 });
    await system.publishAsync(`nguon/v1/${P}/area/${COMMUNES[1]}`, 'other commune', { qos: 1 });
    await system.publishAsync(cmdA, 'for a', { qos: 1 });
    await system.publishAsync(area, 'area a', { qos: 1 });
    await until(() => got.length >= 2, 5_000, 'allowed messages');
    await sleep(300);
    expect(got.map((m) => m.payload)).toEqual(['for a', 'area a']);
  });

  test('a device writes only its own events and presence; the system’s shared subscription gets them', async () => {
    const client = await device(a, passA);
    await client.publishAsync(`nguon/v1/${P}/dev/${b}/evt/status`, 'forged', { qos: 1 });
    await client.publishAsync(`nguon/v1/${P}/area/${COMMUNES[0]}`, 'forged', { qos: 1 });
    await client.publishAsync(`nguon/v1/${P}/dev/${a}/evt/status`, 'real', { qos: 1 });
    await client.publishAsync(`nguon/v1/${P}/dev/${a}/presence`, '{"online":true}', { qos: 1, retain: true });
    await until(() => seen.some((m) => m.payload === 'real'), 5_000, 'own event');
    await until(() => seen.some((m) => m.topic === `nguon/v1/${P}/dev/${a}/presence`), 5_000, 'presence');
    await sleep(300);
    expect(seen.filter((m) => m.payload === 'forged')).toEqual([]);
  });

  test('payloads over 256 KiB are dropped (message_size_limit, P-T3)', async () => {
    const client = await device(b, passB);
    const status = `nguon/v1/${P}/dev/${b}/evt/status`;
    client.publish(status, Buffer.alloc(256 * 1024 + 1, 120), { qos: 0 });
    const ok = await device(b, passB);
    await ok.publishAsync(status, Buffer.alloc(256 * 1024, 121), { qos: 1 });
    await until(
      () => seen.some((m) => m.topic === status && m.payload.length === 256 * 1024),
      5_000,
      'status',
    );
    await sleep(300);
    expect(seen.filter((m) => m.payload.length > 256 * 1024)).toEqual([]);
  });

  test('a device registered later gets in after the files are rewritten and Mosquitto reloads (HUP)', async () => {
    const id = deviceId();
    const password = await insertDevice(db, id, [COMMUNES[1] as string]);
    await expect(connect(mosquitto.url, { clientId: id, username: id, password })).rejects.toThrow(
      /bad username or password|not authorized/i,
    );
    await writeMosquittoFiles(dir, await mosquittoFiles({ db, province: P, system: SYSTEM }));
    mosquitto.process.kill('SIGHUP');
    await until(() => /Reloading config/i.test(mosquitto.log()), 5_000, 'reload');
    await sleep(200);
    const client = await device(id, password);
    await client.publishAsync(`nguon/v1/${P}/dev/${id}/evt/hello`, 'hello', { qos: 1 });
    await until(() => seen.some((m) => m.topic === `nguon/v1/${P}/dev/${id}/evt/hello`), 5_000, 'hello');
  });
});
