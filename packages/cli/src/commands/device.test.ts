import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDeviceKey, generateTrustKey, startBroker, TestSystem } from '@nguon/device/test';
import { describe, expect, test } from 'vitest';
import { run } from '../test-helpers';

const tsx = createRequire(import.meta.url).resolve('tsx');
const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));

function lines(child: ChildProcess): {
  events: Record<string, unknown>[];
  waitFor(type: string, ms?: number): Promise<Record<string, unknown>>;
} {
  const events: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (e: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      for (const w of waiters.splice(0)) {
        if (event.type === w.type) w.resolve(event);
        else waiters.push(w);
      }
    }
  });
  return {
    events,
    waitFor(type, ms = 15_000) {
      const found = events.find((e) => e.type === type);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} event within ${ms} ms`)), ms);
        waiters.push({
          type,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

describe('nguon device run', () => {
  test('rejects a configuration with the field at fault', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nguon-device-cli-'));
    writeFileSync(join(dir, 'device.json'), JSON.stringify({ kind: 'radio', deviceId: 'X', province: '52' }));
    const result = await run(['device', 'run', '--config', 'device.json'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('device.json: deviceId:');
    expect(result.stderr).toContain('mqtt');
  });

  test('runs as a process: connects, acks a signed bulletin, speaks it through the real radio player (no sound card), sends a receipt, exits 0 on SIGTERM', async () => {
    const broker = await startBroker();
    const systemKey = await generateTrustKey('gl-test-1');
    const deviceId = `loa-cli-${process.pid}`;
    const deviceKey = await generateDeviceKey(deviceId);
    const system = await TestSystem.connect({ url: broker.url, province: '64', key: systemKey });
    await system.register(deviceId, deviceKey.anchor);
    const dir = mkdtempSync(join(tmpdir(), 'nguon-device-cli-'));
    writeFileSync(
      join(dir, 'device.json'),
      JSON.stringify({
        kind: 'radio',
        deviceId,
        province: '64',
        units: ['64001'],
        mqtt: { url: broker.url },
        trust: [systemKey.anchor],
        privateKey: deviceKey.privateJwk,
        dataDir: 'data',
        player: 'command',
        audioOutput: 'null',
      }),
    );
    const child = spawn(
      process.execPath,
      ['--conditions=@nguon/source', '--import', tsx, bin, 'device', 'run', '--config', 'device.json'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const out = lines(child);
    try {
      await out.waitFor('welcome');
      const { id } = await system.sendArea(
        '64001',
        'bulletin.deliver',
        {
          bulletin: {
            id: 'b-cli',
            version: 1,
            category: 'disaster',
            priority: 'emergency',
            title: 'Cảnh báo lũ',
            contents: [{ lang: 'vi', text: 'Lũ trên sông Ba' }],
          },
          playout: { priority: 'emergency', startAt: new Date().toISOString() },
          media: [],
        },
        { ttlSec: 600 },
      );
      expect(await system.waitForAck(id)).toMatchObject({ ok: true });
      const receipt = await system.waitFor((m) => m.type === 'receipt', 20_000);
      expect(receipt.verified).toBe(true);
      expect(receipt.message.body).toMatchObject({ seq: 1, bulletinId: 'b-cli', outcome: 'completed' });
      for (const type of ['connected', 'command', 'ack', 'play.start', 'play.end', 'receipt']) {
        expect(
          out.events.some((e) => e.type === type),
          type,
        ).toBe(true);
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out.events.at(-1), JSON.stringify(out.events.slice(-3))).toMatchObject({
        type: 'stopped',
        signal: 'SIGTERM',
      });
      const offline = await system.waitFor((m) => m.type === 'presence' && m.message.online === false);
      expect(offline.message.session).toBe(1);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstderr: ${stderr}`);
    } finally {
      child.kill('SIGKILL');
      await system.close();
      await broker.close();
    }
  }, 40_000);
});

describe('nguon device config', () => {
  const registration = {
    id: 'loa-24065-009',
    mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'loa-24065-009', password: 'secret-secret-secret-0' },
    topics: {
      subscribe: ['nguon/v1/52/dev/loa-24065-009/cmd'],
      publish: ['nguon/v1/52/dev/loa-24065-009/presence'],
    },
    trust: [{ kid: 'gl-1', publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
    trustVersion: 2,
  };
  async function inDir(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'nguon-device-config-'));
    writeFileSync(join(dir, 'registration.json'), JSON.stringify(registration));
    const keys = await run(['keys', 'generate', '--kid', registration.id], dir);
    writeFileSync(join(dir, 'key.json'), keys.stdout);
    return dir;
  }
  const base = [
    'device',
    'config',
    '--registration',
    'registration.json',
    '--key',
    'key.json',
    '--units',
    '24065',
  ];

  test('writes a configuration that `device run` accepts, readable by its owner only', async () => {
    const dir = await inDir();
    const result = await run([...base, '--out', 'device.json'], dir);
    expect(result.code, result.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'device.json'), 'utf8'));
    expect(config).toMatchObject({
      kind: 'radio',
      deviceId: 'loa-24065-009',
      province: '52',
      units: ['24065'],
      mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'loa-24065-009', password: 'secret-secret-secret-0' },
      trustVersion: 2,
      dataDir: 'loa-24065-009-data',
    });
    expect(config.privateKey.kty).toBe('OKP');
    expect(statSync(join(dir, 'device.json')).mode & 0o777).toBe(0o600);
    const stdout = await run(base, dir);
    expect(JSON.parse(stdout.stdout)).toEqual(config);
  });

  test('bad input: exit 1 and a message naming the option or file and what was expected', async () => {
    const dir = await inDir();
    const cases: Array<[string[], RegExp]> = [
      [[...base, '--kind', 'speaker'], /--kind: expected radio or board, found "speaker"/],
      [[...base, '--transport', 'udp'], /--transport: expected tcp or ws/],
      [[...base, '--transport', 'ws'], /mqtt\.wsUrl: the system gave no WebSocket address/],
      [[...base, '--player', 'vlc'], /--player: expected null or command/],
      [
        ['device', 'config', '--registration', 'missing.json', '--key', 'key.json', '--units', '24065'],
        /cannot read missing\.json/,
      ],
      [
        [
          'device',
          'config',
          '--registration',
          'registration.json',
          '--key',
          'registration.json',
          '--units',
          '24065',
        ],
        /expected the output of `nguon keys generate`/,
      ],
      [
        ['device', 'config', '--registration', 'registration.json', '--key', 'key.json', '--units', ''],
        /registration: units: expected at least one unit code/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, dir);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
    }
    writeFileSync(join(dir, 'broken.json'), '{"id": ');
    const broken = await run(
      ['device', 'config', '--registration', 'broken.json', '--key', 'key.json', '--units', '24065'],
      dir,
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json: expected JSON/);
  });
});
