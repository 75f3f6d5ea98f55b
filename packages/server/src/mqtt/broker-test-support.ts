// Helpers of the broker and Mosquitto tests: a database per dialect and device rows with passwords.
import { randomBytes } from 'node:crypto';
import { loadUnits } from '@nguon/areas';
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import pg from 'pg';
import { type Database, openDatabase } from '../db';
import { openTestDb as openTestDbIn, PG_URL, type TestDialect } from '../test-support';
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
    .values({
      id,
      kind: 'radio',
      units: JSON.stringify(units),
      vendor: 'test',
      model: 'test',
      public_key: randomBytes(32).toString('base64url'),
      firmware: null,
      created_at: new Date().toISOString(),
      body: '{}',
      secret_hash: hashMqttPassword(password),
      unit_path: unitPath(units, (code) => registry.ancestors(code, AT).map((u) => u.code)),
      online: 0,
      presence_session: 0,
      presence_since: null,
      last_status: null,
      last_status_at: null,
      last_hello_at: null,
      clock_offset_ms: null,
      receipts_committed: 0,
      config_version: 1,
    })
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
