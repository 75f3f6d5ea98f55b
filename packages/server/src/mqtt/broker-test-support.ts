// Helpers of the broker and Mosquitto tests: a database per dialect and device rows with passwords.
import { randomBytes } from 'node:crypto';
import { loadUnits } from '@nguon/areas';
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import type { Database } from '../db';
import { registeredDeviceRow } from '../routes/devices';
import { openTestDb as openTestDbIn, type TestDialect } from '../test-support';
import { hashMqttPassword, newMqttPassword, unitPath } from './secrets';

export const registry = loadUnits();
const AT = '2025-07-01';
/** Two communes of Gia Lai (province 52) as they stand on 2025-07-01. */
export const COMMUNES = registry
  .descendants('52', AT)
  .filter((u) => u.level === 'commune')
  .slice(0, 2)
  .map((u) => u.code);

export const openTestDb = (dialect: TestDialect) =>
  openTestDbIn(dialect, { prefix: 'nguon_broker', poolSize: 4 });

/** A random device id (so that runs on a shared broker never collide). */
export function deviceId(prefix = 'loa'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Inserts a device row as registration does; resolves to its MQTT password. */
export async function insertDevice(db: Database, id: string, units: string[]): Promise<string> {
  const password = newMqttPassword();
  await db.kysely
    .insertInto('devices')
    .values(
      registeredDeviceRow({
        id,
        kind: 'radio',
        units,
        vendor: 'test',
        model: 'test',
        publicKey: randomBytes(32).toString('base64url'),
        createdAt: new Date().toISOString(),
        secretHash: hashMqttPassword(password),
        unitPath: unitPath(units, (code) => registry.ancestors(code, AT).map((u) => u.code)),
      }),
    )
    .execute();
  return password;
}

/** Connects, resolving to the client or rejecting with the broker's refusal. */
export function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** Collects messages of a client. */
export function collect(client: MqttClient): Array<{ topic: string; payload: string; retain: boolean }> {
  const seen: Array<{ topic: string; payload: string; retain: boolean }> = [];
  client.on('message', (topic, payload, packet) =>
    seen.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  return seen;
}

/** Waits until `check` is true (polling), or fails after `ms`. */
export async function until(check: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Subscribes and resolves to the granted QoS of each filter as the broker answered (128 = refused). */
export function subscribeGranted(
  client: MqttClient,
  filters: Record<string, { qos: 0 | 1 | 2 }>,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const onPacket = (packet: Packet) => {
      if (packet.cmd !== 'suback') return;
      client.off('packetreceive', onPacket);
      resolve(packet.granted.map((g) => (typeof g === 'number' ? g : (g as { qos: number }).qos)));
    };
    client.on('packetreceive', onPacket);
    client.subscribe(filters, (error) => {
      if (error && !/Subscribe error/.test(error.message)) reject(error);
    });
  });
}
