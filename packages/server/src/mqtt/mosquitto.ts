import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEVICE_ID_PATTERN, deviceAcl } from '@nguon/protocol';
import type { Database } from '../db';
import { ServerError } from '../errors';
import { hashMqttPassword } from './secrets';

/**
 * The contents of Mosquitto's password and ACL files for a province's devices, from
 * {@link mosquittoFiles}.
 *
 * @example
 * ```ts
 * const files: MosquittoFiles = await mosquittoFiles({ db, province: '52', system });
 * console.log(files.devices); // 10000
 * ```
 */
export interface MosquittoFiles {
  /** `password_file`: `{deviceId}:{$7$ hash}` per device, then the system user. */
  passwordFile: string;
  /** `acl_file`: a `user` block per device with its exact topics, then the system user. */
  aclFile: string;
  /** How many devices the files admit. */
  devices: number;
}

/**
 * Options of {@link mosquittoFiles}.
 *
 * @example
 * ```ts
 * const options: MosquittoFilesOptions = {
 *   db, province: '52', system: { username: 'nguon-system', password: 'long-random-secret' },
 * };
 * ```
 */
export interface MosquittoFilesOptions {
  /** The server's database (table `devices`). */
  db: Database;
  /** Province code of the topic tree. */
  province: string;
  /** The source system's MQTT account (the password is written hashed). */
  system: { username: string; password: string };
}

/**
 * The `nguon.conf` written by {@link writeMosquittoFiles}: `allow_anonymous false`, `password_file`,
 * `acl_file` (relative names: make them absolute before Mosquitto reads it) and the 256 KiB payload
 * limit (P-T3).
 *
 * @example
 * ```ts
 * MOSQUITTO_CONF.replace('password_file passwd', 'password_file /etc/mosquitto/nguon/passwd');
 * ```
 */
export const MOSQUITTO_CONF = `# nguon: device logins and the per-device ACL (P-TP2), written by \`nguon acl --format mosquitto\`.
# Mosquitto resolves relative paths against its working directory: replace passwd and acl by
# the absolute paths of the files next to this one. Reload after a change with kill -HUP.
allow_anonymous false
password_file passwd
acl_file acl
# P-T3: payloads of at most 256 KiB
message_size_limit 262144
# A province-wide emergency brings one receipt from every device at once, queued for the source
# system's session while it stores them. Mosquitto's default queue (1,000 messages per client) drops
# the rest of such a burst, and the devices re-send only a minute later.
max_queued_messages 100000
`;

/**
 * Builds Mosquitto 2's `password_file` and `acl_file` for every device in `devices`: device login is
 * username = client id = device id with the password issued at registration (its stored `$7$` hash
 * is written as it is); each device may read its `cmd` and area topics and write its events and
 * presence (exactly {@link deviceAcl}); the system user may read and write `nguon/v1/{p}/#`, which also
 * covers its shared subscription `$share/{group}/nguon/v1/{p}/dev/+/evt/+` (Mosquitto 2 checks a
 * shared subscription against the filter after `$share/{group}/`). Devices without a password hash
 * (or with an id the protocol refuses) are left out. A device named like the system user is an
 * error ({@link ServerError} `config`).
 *
 * @example
 * ```ts
 * const files = await mosquittoFiles({
 *   db, province: '52', system: { username: 'nguon-system', password: process.env.NGUON_MQTT_PASSWORD! },
 * });
 * await writeMosquittoFiles('/etc/mosquitto/nguon', files);
 * ```
 */
export async function mosquittoFiles(options: MosquittoFilesOptions): Promise<MosquittoFiles> {
  const { db, province, system } = options;
  if (!/^\d{2}$/.test(province)) {
    throw new ServerError('config', `expected a two-digit province code, found ${JSON.stringify(province)}`);
  }
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(system.username)) {
    throw new ServerError(
      'config',
      `expected a system username of 1–64 letters, digits, ".", "_" or "-", found ${JSON.stringify(system.username)}`,
    );
  }
  if (system.password === '') throw new ServerError('config', 'the system MQTT password is empty');
  const rows = await db.kysely
    .selectFrom('devices')
    .select(['id', 'secret_hash', 'units'])
    .orderBy('id')
    .execute();
  const passwd: string[] = [];
  const acl: string[] = [
    '# nguon: per-device ACL (P-TP2), generated; do not edit by hand.',
    '# Devices read their cmd and area topics and write their events and presence; nothing else.',
    '',
  ];
  let devices = 0;
  for (const row of rows) {
    if (row.id === system.username) {
      throw new ServerError(
        'config',
        `device "${row.id}" has the system user's name; choose another --system-user`,
      );
    }
    if (!DEVICE_ID_PATTERN.test(row.id) || !row.secret_hash.startsWith('$7$')) continue;
    let units: string[] = [];
    try {
      const parsed: unknown = JSON.parse(row.units);
      if (Array.isArray(parsed)) units = parsed.filter((u): u is string => typeof u === 'string');
    } catch {
      units = [];
    }
    const topics = deviceAcl(province, row.id, units);
    passwd.push(`${row.id}:${row.secret_hash}`);
    acl.push(`user ${row.id}`);
    for (const topic of topics.subscribe) acl.push(`topic read ${topic}`);
    for (const topic of topics.publish) acl.push(`topic write ${topic}`);
    acl.push('');
    devices += 1;
  }
  passwd.push(`${system.username}:${hashMqttPassword(system.password)}`);
  acl.push(
    '# the source system: everything of the province, incl. $share/{group}/… subscriptions',
    `user ${system.username}`,
    `topic readwrite nguon/v1/${province}/#`,
    '',
  );
  return { passwordFile: `${passwd.join('\n')}\n`, aclFile: acl.join('\n'), devices };
}

async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Writes {@link mosquittoFiles} into `dir` (created when missing): `passwd` (mode 0600), `acl` and
 * `nguon.conf` ({@link MOSQUITTO_CONF}), each atomically (a temporary file renamed over the old
 * one), so that a Mosquitto reloading at that moment reads either the old or the new file. Resolves
 * to the paths written.
 *
 * @example
 * ```ts
 * const paths = await writeMosquittoFiles('/etc/mosquitto/nguon', files);
 * // ['/etc/mosquitto/nguon/passwd', '/etc/mosquitto/nguon/acl', '/etc/mosquitto/nguon/nguon.conf']
 * ```
 */
export async function writeMosquittoFiles(
  dir: string,
  files: Pick<MosquittoFiles, 'passwordFile' | 'aclFile'>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written = [join(dir, 'passwd'), join(dir, 'acl'), join(dir, 'nguon.conf')];
  await writeAtomic(written[0] as string, files.passwordFile, 0o600);
  await writeAtomic(written[1] as string, files.aclFile, 0o640);
  await writeAtomic(written[2] as string, MOSQUITTO_CONF, 0o644);
  return written;
}
