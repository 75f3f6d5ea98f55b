// Helpers of the tests: a server on port 0 over SQLite or PostgreSQL, tokens of every role, fetch.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createServer, type ServerOptions } from './app';
import { type Database, openDatabase } from './db';

export const PG_URL = process.env.NGUON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN = 'bootstrap-admin-token-for-tests-0001';
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

export interface Harness {
  url: string;
  db: Database;
  clock: { time: number };
  call(
    method: string,
    path: string,
    init?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the answers field by field
  json<T = any>(
    method: string,
    path: string,
    init?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  token(role: string, units: string[], label?: string): Promise<string>;
  close(): Promise<void>;
}

/** Drops a throwaway PostgreSQL schema of a test. */
export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * A migrated database for a test: SQLite in memory, or PostgreSQL in a throwaway schema (named with
 * `prefix`) that `drop()` removes again.
 */
export async function openTestDb(
  dialect: TestDialect,
  options: { prefix?: string; poolSize?: number } = {},
): Promise<{ db: Database; drop: () => Promise<void>; schema?: string }> {
  if (dialect === 'sqlite') {
    const db = await openDatabase({ file: ':memory:' });
    return { db, drop: () => db.close() };
  }
  const schema = `${options.prefix ?? 'nguon_test'}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ url: PG_URL, schema, poolSize: options.poolSize ?? 4 }).catch(
    async (error: unknown) => {
      await dropTestSchema(schema);
      throw error;
    },
  );
  return {
    db,
    schema,
    drop: async () => {
      await db.close();
      await dropTestSchema(schema);
    },
  };
}

export async function startHarness(
  dialect: TestDialect,
  options: Partial<ServerOptions> & { start?: string } = {},
): Promise<Harness> {
  const schema = `nguon_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dropSchema = () => dropTestSchema(schema);
  const db = await openDatabase(
    dialect === 'postgres' ? { url: PG_URL, schema, poolSize: 4 } : { file: ':memory:' },
  ).catch(async (error: unknown) => {
    if (dialect === 'postgres') await dropSchema();
    throw error;
  });
  const clock = { time: Date.parse(options.start ?? '2026-11-26T01:00:00Z') };
  const server = createServer({
    db,
    adminToken: ADMIN,
    now: () => {
      clock.time += 1000;
      return new Date(clock.time);
    },
    ...options,
  });
  const listening = await server.listen(0);
  const call: Harness['call'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: BodyInit | undefined;
    if (init.body !== undefined) {
      if (typeof init.body === 'string' || init.body instanceof Uint8Array) body = init.body as BodyInit;
      else {
        body = JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    return fetch(`${listening.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  };
  const json: Harness['json'] = async (method, path, init) => {
    const res = await call(method, path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return {
    url: listening.url,
    db,
    clock,
    call,
    json,
    async token(role, units, label = `${role} ${units.join(',')}`) {
      const res = await json('POST', '/v1/tokens', { token: ADMIN, body: { role, units, label } });
      if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async close() {
      await listening.close();
      await db.close();
      if (dialect === 'postgres') await dropSchema();
    },
  };
}

/** A bulletin draft (the body of createBulletin) for these unit codes. */
export function draft(codes: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'policy',
    priority: 'normal',
    channels: ['radio_ip', 'web_portal'],
    contents: [
      {
        lang: 'vi',
        title: 'Thông báo lịch tiêm chủng mở rộng tháng 12',
        text: 'Trạm y tế xã tổ chức tiêm chủng cho trẻ dưới 5 tuổi vào sáng thứ Bảy. Phụ huynh mang theo sổ tiêm.',
      },
    ],
    targets: { units: { at: '2025-07-01', codes } },
    schedule: { start: '2026-12-01T00:00:00+07:00', end: '2026-12-05T00:00:00+07:00' },
    issuer: { name: 'Ủy ban nhân dân xã Ia Rbol', unitCode: '24065' },
    ...overrides,
  };
}

/** An emergency draft for these unit codes. */
export function emergencyDraft(codes: string[]): Record<string, unknown> {
  return draft(codes, {
    category: 'disaster_emergency',
    priority: 'emergency',
    channels: ['radio_ip', 'board'],
    contents: [
      {
        lang: 'vi',
        title: 'Cảnh báo lốc xoáy',
        text: 'Người dân không ra đồng, gia cố nhà cửa và theo dõi thông báo của xã.',
      },
    ],
    schedule: { start: '2026-11-26T09:00:00Z', end: '2026-11-26T18:00:00Z' },
  });
}

/**
 * A CAP 1.2 alert written for these tests, from the provincial disaster board of Gia Lai, in
 * Vietnamese, for new Xã Ia Rbol (`24065`) unless `areas` (the `<area>` elements) says otherwise.
 */
export function capAlert(alert: {
  identifier: string;
  event: string;
  headline: string;
  description: string;
  urgency?: string;
  severity?: string;
  certainty?: string;
  /** Extra elements of `<info>` before `<headline>` (e.g. `<expires>…</expires>`). */
  more?: string;
  areas?: string;
}): string {
  const areas =
    alert.areas ??
    `<area>
      <areaDesc>Xã Ia Rbol</areaDesc>
      <geocode><valueName>VN-GSO</valueName><value>24065</value></geocode>
    </area>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${alert.identifier}</identifier>
  <sender>pctt@gialai.example.vn</sender>
  <sent>2026-11-26T14:00:00+07:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>vi</language>
    <category>Met</category>
    <event>${alert.event}</event>
    <urgency>${alert.urgency ?? 'Expected'}</urgency>
    <severity>${alert.severity ?? 'Moderate'}</severity>
    <certainty>${alert.certainty ?? 'Likely'}</certainty>${alert.more ?? ''}
    <headline>${alert.headline}</headline>
    <description>${alert.description}</description>
    ${areas}
  </info>
</alert>`;
}

/** Posts a CAP alert to `POST /v1/cap` as `application/cap+xml`. */
export function postCap(h: Harness, token: string, xml: string) {
  return h.json('POST', '/v1/cap', { token, body: xml, headers: { 'content-type': 'application/cap+xml' } });
}
