import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ServerError } from './errors';
import { startFromEnv } from './start';
import { type SystemOptions, startSystem } from './system';
import { dropTestSchema, PG_URL } from './test-support';

const quiet = pino({ level: 'silent' });
const silent = () => quiet;
/** A system on free ports, quiet, without WebSocket unless asked. */
const start = (options: SystemOptions) =>
  startSystem({ httpPort: 0, mqttPort: 0, wsPort: false, logger: quiet, ...options });
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nguon-system-'));
  dirs.push(dir);
  return dir;
}

function rawKey(): string {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return jwk.x as string;
}

/** Holds a free port until `close()`. */
async function holdPort(): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function freePort(): Promise<number> {
  const held = await holdPort();
  await held.close();
  return held.port;
}

async function canBind(port: number): Promise<boolean> {
  const server = createNetServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function register(http: string, token: string) {
  const res = await fetch(`${http}/v1/devices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'radio', units: ['52'], vendor: 'Acme', model: 'L-1', publicKey: rawKey() }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as {
    id: string;
    mqtt: { url: string; wsUrl?: string; username: string; password: string };
  };
}

function mqttLogin(url: string, username: string, password: string): Promise<string> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, {
      username,
      password,
      clientId: username,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    client.once('connect', () => client.end(true, () => resolve('accepted')));
    client.once('error', (error) => client.end(true, () => resolve(`refused: ${error.message}`)));
  });
}

describe('startSystem', () => {
  it('starts SQLite, the embedded broker, the dispatcher and HTTP; a registered device logs in over TCP and WebSocket', async () => {
    const dataDir = join(tempDir(), 'data');
    const system = await startSystem({ dataDir, httpPort: 0, mqttPort: 0, wsPort: 0, logger: silent() });
    try {
      expect(system.db.dialect).toBe('sqlite');
      expect(existsSync(join(dataDir, 'nguon.db'))).toBe(true);
      expect(system.adminToken).toMatch(/^ngn_admin_[A-Za-z0-9_-]{32}$/);
      expect(system.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      expect(system.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
      expect((await fetch(`${system.http}/health`)).status).toBe(200);
      const device = await register(system.http, system.adminToken);
      expect(device.mqtt.url).toBe(system.mqtt);
      expect(device.mqtt.wsUrl).toBe(system.ws);
      expect(await mqttLogin(system.mqtt, device.mqtt.username, device.mqtt.password)).toBe('accepted');
      expect(await mqttLogin(system.ws as string, device.mqtt.username, device.mqtt.password)).toBe(
        'accepted',
      );
      expect(await mqttLogin(system.mqtt, device.mqtt.username, 'wrong-password')).toMatch(/^refused/);
    } finally {
      await system.stop();
    }
  });

  it('keeps its data in dataDir across restarts', async () => {
    const dataDir = tempDir();
    const adminToken = 'ngn_admin_restart-test-token-0001';
    const first = await start({ dataDir, adminToken });
    const device = await register(first.http, adminToken);
    await first.stop();
    const second = await start({ dataDir, adminToken });
    try {
      expect(second.ws).toBeUndefined();
      const res = await fetch(`${second.http}/v1/devices/${device.id}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(res.status).toBe(200);
      expect(await mqttLogin(second.mqtt, device.mqtt.username, device.mqtt.password)).toBe('accepted');
    } finally {
      await second.stop();
    }
  });

  it('runs on PostgreSQL with DATABASE_URL', async () => {
    const schema = `nguon_system_${process.pid}_${Date.now().toString(36)}`;
    const system = await start({ databaseUrl: PG_URL, databaseSchema: schema, wsPort: 0 });
    try {
      expect(system.db.dialect).toBe('postgres');
      const device = await register(system.http, system.adminToken);
      expect(await mqttLogin(system.mqtt, device.mqtt.username, device.mqtt.password)).toBe('accepted');
    } finally {
      await system.stop();
      await dropTestSchema(schema);
    }
  });

  it('says clearly that MQTT port 1883 is busy (Mosquitto owns it here) and leaves nothing running', async () => {
    const httpPort = await freePort();
    const error = await startSystem({ httpPort, mqttPort: 1883, wsPort: false, logger: silent() }).catch(
      (e: unknown) => e,
    );
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).code).toBe('config');
    expect((error as ServerError).message).toMatch(/MQTT port 1883 .*busy.*--mqtt-port/);
    expect(await canBind(httpPort)).toBe(true);
  });

  it('says clearly that the HTTP port is busy and stops the broker it had started', async () => {
    const held = await holdPort();
    const mqttPort = await freePort();
    const wsPort = await freePort();
    try {
      const error = await startSystem({ httpPort: held.port, mqttPort, wsPort, logger: silent() }).catch(
        (e: unknown) => e,
      );
      expect(ServerError.isInstance(error)).toBe(true);
      expect((error as ServerError).message).toContain(`HTTP port ${held.port} on 127.0.0.1 is busy`);
      expect((error as ServerError).message).toContain('--port');
      expect(await canBind(mqttPort)).toBe(true);
      expect(await canBind(wsPort)).toBe(true);
    } finally {
      await held.close();
    }
  });

  it('refuses bad settings before starting anything', async () => {
    await expect(startSystem({ httpPort: 70_000, logger: silent() })).rejects.toThrow(
      /httpPort: expected a port number/,
    );
    await expect(startSystem({ province: 'Gia Lai', logger: silent() })).rejects.toThrow(
      /province: expected a two-digit/,
    );
    await expect(startSystem({ adminToken: 'short', logger: silent() })).rejects.toThrow(/adminToken/);
  });

  it('says which external broker it cannot reach, and leaves nothing running', async () => {
    const closed = await freePort();
    const httpPort = await freePort();
    const error = await startSystem({
      mqttUrl: `mqtt://127.0.0.1:${closed}`,
      httpPort,
      logger: silent(),
    }).catch((e: unknown) => e);
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).message).toContain(`mqtt: cannot connect to mqtt://127.0.0.1:${closed}`);
    expect(await canBind(httpPort)).toBe(true);
  });

  it('uses an external broker (the real Mosquitto) with MQTT_URL, handing its address to devices', async () => {
    // Its own group and client id, and a clean connect afterwards: the dispatcher's session on the
    // shared Mosquitto is persistent, and a dead member of a shared group would swallow messages.
    const run = `${process.pid}${Date.now().toString(36)}`;
    const clientId = `nguon-52-system-test-${run}`;
    const system = await startSystem({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      sharedGroup: `nguontest${run}`,
      clientId,
      httpPort: 0,
      logger: silent(),
    });
    try {
      expect(system.broker).toBeUndefined();
      expect(system.mqtt).toBe('mqtt://127.0.0.1:1883');
      const device = await register(system.http, system.adminToken);
      expect(device.mqtt.url).toBe('mqtt://127.0.0.1:1883');
      expect(device.mqtt.wsUrl).toBeUndefined();
    } finally {
      await system.stop();
      const cleaner = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId, clean: true });
      await cleaner.endAsync();
    }
  });
});

describe('startFromEnv', () => {
  it('starts the whole system from environment variables', async () => {
    const running = await startFromEnv({
      PORT: '0',
      MQTT_PORT: '0',
      MQTT_WS_PORT: 'off',
      NGUON_DATA: tempDir(),
      NGUON_ADMIN_TOKEN: 'ngn_admin_from-env-token-00001',
      LOG_LEVEL: 'silent',
    });
    try {
      expect(running.url).toBe(running.http);
      expect(running.adminToken).toBe('ngn_admin_from-env-token-00001');
      expect(running.ws).toBeUndefined();
      const device = await register(running.url, running.adminToken);
      expect(await mqttLogin(running.mqtt, device.mqtt.username, device.mqtt.password)).toBe('accepted');
    } finally {
      await running.stop();
    }
  });

  it('refuses a port that is not a port, naming the variable', async () => {
    await expect(startFromEnv({ PORT: 'http', LOG_LEVEL: 'silent' })).rejects.toThrow(
      /PORT: expected a port number/,
    );
    await expect(startFromEnv({ MQTT_PORT: '-1', LOG_LEVEL: 'silent' })).rejects.toThrow(/MQTT_PORT/);
  });
});
