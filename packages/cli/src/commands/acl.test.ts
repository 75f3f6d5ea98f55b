import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '@nguon/server';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { runCli } from '../program';

const PG_URL = process.env.NGUON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function nguon(args: string[], env: Record<string, string | undefined> = {}, cwd = tmp()) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    env,
  });
  return { code, stdout, stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'nguon-acl-'));
}

/** A `$7$` hash as the server stores it (PBKDF2-SHA512, 101 rounds). */
function hash(password: string): string {
  const salt = randomBytes(12);
  return `$7$101$${salt.toString('base64')}$${pbkdf2Sync(password, salt, 101, 64, 'sha512').toString('base64')}`;
}

async function addDevice(db: Database, id: string, units: string[]): Promise<string> {
  const secret = hash(`pw-${id}`);
  await db.kysely
    .insertInto('devices')
    .values({
      id,
      kind: 'radio',
      units: JSON.stringify(units),
      vendor: 'acme',
      model: 'L-100',
      public_key: randomBytes(32).toString('base64url'),
      firmware: null,
      created_at: new Date().toISOString(),
      body: '{}',
      secret_hash: secret,
      unit_path: `|${units.join('|')}|52|`,
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
  return secret;
}

describe('nguon acl', () => {
  test('--format mosquitto writes passwd, acl and nguon.conf from the SQLite database of --data', async () => {
    const cwd = tmp();
    mkdirSync(join(cwd, 'data'));
    const db = await openDatabase({ file: join(cwd, 'data', 'nguon.db') });
    const secret = await addDevice(db, 'loa-52001-001', ['52001']);
    await db.close();
    writeFileSync(join(cwd, 'system.pw'), 'system-secret\n');
    const result = await nguon(
      [
        'acl',
        '--format',
        'mosquitto',
        '--out',
        'broker',
        '--data',
        'data',
        '--system-password-file',
        'system.pw',
      ],
      {},
      cwd,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`wrote ${join(cwd, 'broker', 'passwd')} (1 device(s) and nguon-system)`);
    const passwd = readFileSync(join(cwd, 'broker', 'passwd'), 'utf8');
    expect(passwd).toContain(`loa-52001-001:${secret}\n`);
    expect(passwd).toMatch(/^nguon-system:\$7\$101\$/m);
    expect(statSync(join(cwd, 'broker', 'passwd')).mode & 0o777).toBe(0o600);
    const acl = readFileSync(join(cwd, 'broker', 'acl'), 'utf8');
    expect(acl).toContain('user loa-52001-001\ntopic read nguon/v1/52/dev/loa-52001-001/cmd\n');
    expect(acl).toContain('topic write nguon/v1/52/dev/loa-52001-001/presence\n');
    expect(acl).toContain('user nguon-system\ntopic readwrite nguon/v1/52/#\n');
    expect(readFileSync(join(cwd, 'broker', 'nguon.conf'), 'utf8')).toMatch(/^allow_anonymous false$/m);
  });

  test('reads PostgreSQL from DATABASE_URL, takes NGUON_MQTT_PASSWORD, prints a JSON summary', async () => {
    const schema = `nguon_acl_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    try {
      const db = await openDatabase({ url, poolSize: 1 });
      await addDevice(db, 'bang-98001-001', ['98001']);
      await addDevice(db, 'bang-98001-002', ['98001']);
      await db.close();
      const cwd = tmp();
      const result = await nguon(
        [
          'acl',
          '--format',
          'mosquitto',
          '--out',
          'out',
          '--province',
          '98',
          '--system-user',
          'sys',
          '--json',
        ],
        { DATABASE_URL: url, NGUON_MQTT_PASSWORD: 'from-env' },
        cwd,
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        format: 'mosquitto',
        province: '98',
        database: 'PostgreSQL',
        devices: 2,
        files: [join(cwd, 'out', 'passwd'), join(cwd, 'out', 'acl'), join(cwd, 'out', 'nguon.conf')],
      });
      expect(readFileSync(join(cwd, 'out', 'acl'), 'utf8')).toContain(
        'user sys\ntopic readwrite nguon/v1/98/#',
      );
    } finally {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
  });

  test('an unknown --format is refused with the list of formats', async () => {
    const result = await nguon(['acl', '--format', 'emqx', '--out', 'x'], { NGUON_MQTT_PASSWORD: 'x' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--format: expected one of mosquitto, found "emqx"');
  });

  test('without a system password it says how to give one, and writes nothing', async () => {
    const cwd = tmp();
    const result = await nguon(['acl', '--format', 'mosquitto', '--out', 'x'], {}, cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'no system MQTT password: pass --system-password-file FILE or set NGUON_MQTT_PASSWORD',
    );
    expect(() => statSync(join(cwd, 'x'))).toThrow();
  });

  test('a missing database file is a clear error, not a new empty database', async () => {
    const cwd = tmp();
    const result = await nguon(
      ['acl', '--format', 'mosquitto', '--out', 'x', '--data', 'nowhere'],
      {
        NGUON_MQTT_PASSWORD: 'x',
      },
      cwd,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no server database at ${join(cwd, 'nowhere', 'nguon.db')}`);
    expect(() => statSync(join(cwd, 'nowhere'))).toThrow();
  });

  test('a bad --province is refused', async () => {
    const result = await nguon(['acl', '--format', 'mosquitto', '--out', 'x', '--province', '5'], {
      NGUON_MQTT_PASSWORD: 'x',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--province: expected a two-digit province code, found "5"');
  });
});
