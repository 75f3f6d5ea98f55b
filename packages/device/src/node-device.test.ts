import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceEvent } from './events';
import { createNodeDevice } from './node-device';
import { NullAdapter } from './null-adapter';
import { parseDeviceRunConfig } from './run-config';
import { generateDeviceKey, generateTrustKey, startBroker } from './test';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('createNodeDevice', () => {
  it('runs a configuration file device over TLS with caFile, keeping its state in dataDir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nguon-node-device-'));
    dirs.push(dir);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'ca.pem'),
      ],
      { stdio: 'ignore' },
    );
    const broker = await startBroker({
      tls: { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'ca.pem')) },
    });
    const system = await generateTrustKey();
    const key = await generateDeviceKey('bang-64001-001');
    const config = parseDeviceRunConfig({
      kind: 'board',
      deviceId: 'bang-64001-001',
      province: '64',
      units: ['64001'],
      mqtt: { url: broker.tlsUrl, caFile: join(dir, 'ca.pem') },
      trust: [system.anchor],
      privateKey: key.privateJwk,
      dataDir: join(dir, 'data'),
    });
    const device = createNodeDevice(config, { adapter: new NullAdapter({ kind: 'board' }) });
    const events: DeviceEvent[] = [];
    const connected = new Promise<void>((resolve) =>
      device.on('event', (e) => {
        events.push(e);
        if (e.type === 'connected') resolve();
      }),
    );
    try {
      await device.start();
      await connected;
      expect(events[0]).toMatchObject({ type: 'connected', session: 1, url: broker.tlsUrl });
      expect(await readdir(join(dir, 'data', 'state'))).toContain('session.json');
    } finally {
      await device.stop();
      await broker.close();
    }
  });
});
