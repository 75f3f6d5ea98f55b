import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { run } from '../test-helpers';
import type { DevReadyLine } from './dev';

const tsx = createRequire(import.meta.url).resolve('tsx');
const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nguon-dev-cli-'));
  dirs.push(dir);
  return dir;
}

/** Runs `nguon dev` as a real process; `ready` resolves with the parsed first stdout line. */
function startDev(args: string[], env: Record<string, string> = {}) {
  const cwd = tempDir();
  const child = spawn(
    process.execPath,
    ['--conditions=@nguon/source', '--import', tsx, bin, 'dev', ...args],
    {
      cwd,
      env: { ...process.env, NGUON_ADMIN_TOKEN: '', DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = new Promise<DevReadyLine>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 30 s\nstderr: ${stderr}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const nl = stdout.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(stdout.slice(0, nl)) as DevReadyLine);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`nguon dev exited with ${code} before it was ready\nstderr: ${stderr}`));
    });
  });
  return {
    cwd,
    child,
    ready,
    exited,
    output: () => ({ stdout, stderr }),
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function createToken(http: string, adminToken: string): Promise<Response> {
  return fetch(`${http}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'editor', units: ['52'], label: 'nguon dev test' }),
  });
}

describe('nguon dev', () => {
  test('prints one ready line, serves the API with a working admin token, and stops cleanly on SIGTERM, freeing its ports', async () => {
    const dev = startDev(['--port', '0', '--mqtt-port', '0', '--ws-port', '0', '--data', 'state']);
    try {
      const ready = await dev.ready;
      expect(ready).toEqual({
        event: 'ready',
        http: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        mqtt: expect.stringMatching(/^mqtt:\/\/127\.0\.0\.1:\d+$/),
        ws: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/),
        adminToken: expect.stringMatching(/^ngn_admin_/),
      });
      const health = await fetch(`${ready.http}/health`);
      expect(health.status).toBe(200);
      const created = await createToken(ready.http, ready.adminToken);
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ role: 'editor', units: ['52'] });
      expect((await createToken(ready.http, 'ngn_admin_not-the-right-one-at-all')).status).toBe(401);
      expect(existsSync(join(dev.cwd, 'state', 'nguon.db'))).toBe(true);
      expect(dev.output().stderr).toContain(`${ready.http}/docs`);

      dev.child.kill('SIGTERM');
      expect(await dev.exited).toBe(0);
      const { stdout, stderr } = dev.output();
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(stderr).toContain('nguon dev: SIGTERM, stopping');
      for (const url of [ready.http, ready.mqtt, ready.ws as string]) {
        expect(await canBind(portOf(url)), `${url} still taken`).toBe(true);
      }
    } finally {
      dev.child.kill('SIGKILL');
    }
  }, 60_000);

  test('uses NGUON_ADMIN_TOKEN as the admin token; --seed gia-lai serves province 52; --ws-port off gives ws null', async () => {
    const token = `ngn_admin_dev-test-${process.pid}-0123456789`;
    const dev = startDev(
      ['--seed', 'gia-lai', '--port', '0', '--mqtt-port', '0', '--ws-port', 'off', '--log-level', 'warn'],
      { NGUON_ADMIN_TOKEN: token },
    );
    try {
      const ready = await dev.ready;
      expect(ready.adminToken).toBe(token);
      expect(ready.ws).toBeNull();
      expect((await createToken(ready.http, token)).status).toBe(201);
      expect(dev.output().stderr).toContain('province 52');
      expect(existsSync(join(dev.cwd, '.nguon', 'nguon.db'))).toBe(true);
      dev.child.kill('SIGINT');
      expect(await dev.exited).toBe(0);
    } finally {
      dev.child.kill('SIGKILL');
    }
  }, 60_000);

  test('the default MQTT port 1883, when another broker holds it, fails with exit code 2 and one clear line, no stack trace', async () => {
    // Mosquitto owns 1883 on the test machines; where it does not, this test holds the port itself.
    let holder: Server | undefined;
    if (await canBind(1883)) {
      holder = createServer();
      await new Promise<void>((resolve) => holder?.listen(1883, '127.0.0.1', resolve));
    }
    try {
      const dev = startDev(['--port', '0', '--ws-port', '0', '--data', 'state']);
      dev.ready.catch(() => undefined);
      expect(await dev.exited).toBe(2);
      const { stdout, stderr } = dev.output();
      expect(stdout).toBe('');
      expect(stderr).toContain(
        'nguon dev: MQTT port 1883 on 127.0.0.1 is busy: EADDRINUSE (another broker or program listens there); pass another port (--mqtt-port / MQTT_PORT) or 0 for any free one',
      );
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
    }
  }, 60_000);

  test.each([
    [['--port', 'abc'], '--port: expected a port number 0–65535 (0 for any free port), found "abc"'],
    [
      ['--mqtt-port', '70000'],
      '--mqtt-port: expected a port number 0–65535 (0 for any free port), found "70000"',
    ],
    [
      ['--ws-port', 'none'],
      '--ws-port: expected a port number 0–65535 (0 for any free port, off for none), found "none"',
    ],
    [['--seed', 'ha-noi'], '--seed: unknown seed "ha-noi"; known seeds: gia-lai (Gia Lai, province 52)'],
    [['--province', '5'], '--province: expected a two-digit province code such as 52, found "5"'],
    [['--seed', 'gia-lai', '--province', '64'], '--province 64 contradicts --seed gia-lai (province 52)'],
    [['--log-level', 'loud'], '--log-level: expected one of fatal, error, warn, info, debug, trace, silent'],
    [['--mqtt-url', 'localhost:1883'], '--mqtt-url: expected an mqtt://, mqtts://, ws:// or wss:// URL'],
  ])('%j is refused before anything starts, with exit code 1', async (args, message) => {
    const result = await run(['dev', ...args]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`nguon dev: ${message}`);
  });
});
