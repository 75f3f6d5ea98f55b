// The whole flow over real HTTP with the SDK, on both databases and both brokers: register a device,
// run the reference device as a child process, create → submit → approve → publish, see it acked and
// played in /delivery, revoke it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mosquittoUrl } from '@nguon/device/test';
import { createClient } from '@nguon/sdk';
import { type RunningSystem, startSystem } from '@nguon/server';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { type DeviceProcess, endSessions, pickCommune, poll, runDeviceProcess } from './flow-test-support';
import { run } from './test-helpers';

const PG_URL = process.env.NGUON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

const COMBINATIONS = [
  { database: 'sqlite', broker: 'aedes' },
  { database: 'sqlite', broker: 'mosquitto' },
  { database: 'postgres', broker: 'aedes' },
  { database: 'postgres', broker: 'mosquitto' },
] as const;

describe.each(COMBINATIONS)('the whole flow on $database and $broker', ({ database, broker }) => {
  test('register → reference device online → create, submit, approve, publish → acked and played → revoked', async () => {
    const runId = randomBytes(4).toString('hex');
    const dir = mkdtempSync(join(tmpdir(), 'nguon-flow-'));
    dirs.push(dir);
    const schema = `nguon_flow_${process.pid}_${runId}`;
    const systemClientId = `nguon-52-flow-${runId}`;
    const deviceId = `loa-flow-${runId}`;
    let system: RunningSystem | undefined;
    let device: DeviceProcess | undefined;
    try {
      system = await startSystem({
        ...(database === 'sqlite'
          ? { dataDir: join(dir, 'system') }
          : { databaseUrl: PG_URL, databaseSchema: schema }),
        ...(broker === 'aedes'
          ? { mqttPort: 0, wsPort: 0 }
          : // Mosquitto is shared with other runs: a group of our own keeps our devices' events ours.
            { mqttUrl: mosquittoUrl(), sharedGroup: `flow${runId}`, clientId: systemClientId }),
        httpPort: 0,
        receiptThreads: 1,
        logger: pino({ level: 'silent' }),
      });
      expect(system.db.dialect).toBe(database);
      expect(system.broker === undefined).toBe(broker === 'mosquitto');

      // Tokens: the admin makes an editor, an approver and an operator for Gia Lai.
      const admin = createClient({ baseUrl: system.http, token: system.adminToken });
      const tokenFor = async (role: 'editor' | 'approver' | 'operator') => {
        const made = await admin.tokens.create({ role, units: ['52'], label: `flow ${role}` });
        expect(made.role).toBe(role);
        return createClient({ baseUrl: system?.http as string, token: made.token });
      };
      const editor = await tokenFor('editor');
      const approver = await tokenFor('approver');
      const operator = await tokenFor('operator');

      // The device's key, as `nguon keys generate` prints it, and its registration by the operator.
      const commune = pickCommune();
      const keys = await run(['keys', 'generate', '--kid', deviceId]);
      expect(keys.code, keys.stderr).toBe(0);
      const key = JSON.parse(keys.stdout) as { kid: string; publicKey: string; privateKey: object };
      const registered = await operator.devices.register({
        id: deviceId,
        kind: 'radio',
        units: [commune.code],
        vendor: 'Acme',
        model: 'L-100',
        publicKey: key.publicKey,
      });
      expect(registered.id).toBe(deviceId);
      expect(registered.mqtt.url).toBe(system.mqtt);
      expect(registered.mqtt.username).toBe(deviceId);
      expect(registered.mqtt.password.length).toBeGreaterThanOrEqual(20);
      expect(registered.trust.length).toBeGreaterThan(0);

      // The reference device, configured from the registration answer, as a child process.
      writeFileSync(join(dir, 'registration.json'), JSON.stringify(registered));
      writeFileSync(join(dir, 'key.json'), keys.stdout);
      const configured = await run(
        [
          'device',
          'config',
          '--registration',
          'registration.json',
          '--key',
          'key.json',
          '--units',
          commune.code,
          '--data-dir',
          'device-data',
          '--player',
          'command',
          '--audio-output',
          'null',
          '--vendor',
          'Acme',
          '--model',
          'L-100',
          '--firmware',
          '2.3.1',
          '--out',
          'device.json',
        ],
        dir,
      );
      expect(configured.code, configured.stderr).toBe(0);
      expect(configured.stderr).toContain(`wrote device.json for ${deviceId} (province 52)`);
      device = runDeviceProcess(dir, 'device.json');
      const dev = device;
      const welcome = await dev.waitFor((e) => e.type === 'welcome', 'welcome', 20_000);
      expect(welcome.trustVersion).toBe(registered.trustVersion);
      const online = await poll(
        () => operator.devices.get({ id: deviceId }),
        // online from its presence, firmware from its hello
        (d) => d.presence.online && d.firmware === '2.3.1',
        `device ${deviceId} online`,
      );
      expect(online).toMatchObject({
        id: deviceId,
        kind: 'radio',
        units: [commune.code],
        vendor: 'Acme',
        model: 'L-100',
        publicKey: key.publicKey,
      });

      // Editor creates and submits, approver approves, editor publishes.
      const title = `Lịch tiêm chủng ${runId}`;
      const draft = await editor.bulletins.create({
        category: 'policy',
        priority: 'normal',
        channels: ['radio_ip'],
        contents: [{ lang: 'vi', title, text: 'Tiêm chủng sáng mai.' }],
        targets: { units: { at: '2025-07-01', codes: [commune.code] } },
        schedule: {
          start: new Date(Date.now() - 60_000).toISOString(),
          end: new Date(Date.now() + 3_600_000).toISOString(),
        },
        issuer: { name: commune.name, unitCode: commune.code },
      });
      expect(draft.status).toBe('draft');
      expect((await editor.bulletins.submit({ id: draft.id }, { note: 'Xin duyệt' })).status).toBe(
        'submitted',
      );
      expect((await approver.bulletins.approve({ id: draft.id }, { note: 'Đồng ý' })).status).toBe(
        'approved',
      );
      const published = await editor.bulletins.publish({ id: draft.id }, {});
      expect(published.status).toBe('published');
      const feed = await editor.feeds.getJson({ unitCode: commune.code });
      expect(feed.items.map((i) => i.id)).toContain(`urn:nguon:bulletin:${draft.id}`);

      // The device acks and plays it; /delivery shows it once the signed receipt is verified.
      const played = await dev.waitFor(
        (e) => e.type === 'play.end' && e.bulletinId === draft.id,
        'play.end of the bulletin',
        20_000,
      );
      expect(played.outcome).toBe('completed');
      const receipt = await dev.waitFor(
        (e) => e.type === 'receipt' && e.bulletinId === draft.id,
        'receipt of the play',
      );
      expect(receipt).toMatchObject({ outcome: 'completed', sent: true });
      const delivery = await poll(
        () => editor.bulletins.getDelivery({ id: draft.id }),
        (d) => d.played === 1,
        'delivery played',
      );
      expect(delivery).toMatchObject({
        bulletinId: draft.id,
        version: published.version,
        targeted: 1,
        acked: 1,
        played: 1,
        failed: 0,
        pending: 0,
        byUnit: [{ unitCode: commune.code, targeted: 1, acked: 1, played: 1, failed: 0, pending: 0 }],
        devices: [{ deviceId, state: 'played', outcome: 'completed' }],
      });
      const row = delivery.devices[0] as { ackedAt?: string; playedAt?: string };
      expect(row.ackedAt).toMatch(ISO);
      expect(row.playedAt).toMatch(ISO);
      expect(Date.parse(row.playedAt as string)).toBeGreaterThanOrEqual(Date.parse(row.ackedAt as string));
      expect(Date.parse(row.playedAt as string)).toBe(Date.parse(played.endedAt as string));
      expect(delivery.updatedAt).toMatch(ISO);
      const deliverCommand = dev.events.find(
        (e) => e.type === 'command' && e.commandType === 'bulletin.deliver' && e.bulletinId === draft.id,
      );
      expect(deliverCommand?.ok).toBe(true);
      expect(dev.events.some((e) => e.type === 'ack' && e.ref === deliverCommand?.id && e.ok === true)).toBe(
        true,
      );

      // Revoke: the device takes the revoke, the bulletin is revoked and leaves the public feed.
      const revoked = await approver.bulletins.revoke({ id: draft.id }, { reason: 'Thông tin sai' });
      expect(revoked.status).toBe('revoked');
      const revokeCommand = await dev.waitFor(
        (e) => e.type === 'command' && e.commandType === 'bulletin.revoke' && e.bulletinId === draft.id,
        'bulletin.revoke command',
      );
      expect(revokeCommand.ok).toBe(true);
      await dev.waitFor((e) => e.type === 'ack' && e.ref === revokeCommand.id && e.ok === true, 'revoke ack');
      expect((await approver.bulletins.get({ id: draft.id })).status).toBe('revoked');
      const after = await editor.feeds.getJson({ unitCode: commune.code });
      expect(after.items.map((i) => i.id)).not.toContain(`urn:nguon:bulletin:${draft.id}`);
      // The proof of play stays after the revoke.
      expect(await editor.bulletins.getDelivery({ id: draft.id })).toMatchObject({
        played: 1,
        devices: [{ deviceId, state: 'played' }],
      });

      // The device stops cleanly and the system sees it go offline.
      expect(await dev.stop()).toBe(0);
      expect(dev.events.at(-1)).toMatchObject({ type: 'stopped', signal: 'SIGTERM' });
      expect(
        dev.events.filter((e) => e.type === 'play.start' && e.bulletinId === draft.id),
        'plays of the bulletin',
      ).toHaveLength(1);
      await poll(
        () => operator.devices.get({ id: deviceId }),
        (d) => !d.presence.online,
        `device ${deviceId} offline`,
      );
    } catch (error) {
      const message = (error as Error).message;
      if (device && !message.includes('stderr:')) {
        (error as Error).message = `${message}\ndevice stderr: ${device.stderr()}`;
      }
      throw error;
    } finally {
      await device?.stop();
      try {
        await system?.stop();
      } finally {
        if (database === 'postgres') await dropSchema(schema);
        // Persistent sessions on the shared Mosquitto would outlive the test and keep queueing.
        if (broker === 'mosquitto') await endSessions(mosquittoUrl(), [systemClientId, deviceId]);
      }
    }
  }, 45_000);
});
