import { DeliverySchema, DeviceCommandResultSchema, DeviceRegisteredSchema, DeviceSchema } from '@nguon/api';
import type { Bulletin } from '@nguon/bulletin';
import { deviceAcl, type TrustAnchor } from '@nguon/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveriesTable } from '../db';
import { ServerError } from '../errors';
import type { DeviceHub, SentCommand } from '../hub';
import { verifyMqttPassword } from '../mqtt/secrets';
import { ADMIN, DIALECTS, draft, type Harness, startHarness } from '../test-support';
import { newDeviceId, publicKeyProblem } from './devices';

const KEY = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const ANCHOR: TrustAnchor = { kid: 'gl-test-1', publicKey: 'zbLEnYrYaKy8lehN-r79p9MpuFcJeUCJM2oTTDoDs7Q' };
const COMMAND_ID = '01JDXK4M5N6P7Q8R9S0T1V2W3X';

/** A DeviceHub that records what the routes ask of it (the MQTT side is tested with the dispatcher). */
class RecordingHub implements DeviceHub {
  readonly province = '52';
  readonly changed: string[] = [];
  readonly commands: { deviceId: string; type: string; body: unknown; waitMs: number | undefined }[] = [];
  commandError: Error | undefined;
  endpoints() {
    return { url: 'mqtt://127.0.0.1:1884', wsUrl: 'ws://127.0.0.1:8084/mqtt' };
  }
  async trust() {
    return { trust: [ANCHOR], trustVersion: 3 };
  }
  async publishBulletin(_b: Bulletin) {}
  async revokeBulletin(_b: Bulletin) {}
  async sendCommand(
    deviceId: string,
    type: string,
    body: Record<string, unknown>,
    options?: { waitMs?: number | undefined },
  ): Promise<SentCommand> {
    if (this.commandError) throw this.commandError;
    this.commands.push({ deviceId, type, body, waitMs: options?.waitMs });
    const waited = (options?.waitMs ?? 0) > 0;
    return {
      id: COMMAND_ID,
      deviceId,
      type,
      state: waited ? 'acked' : 'sent',
      sentAt: '2026-11-26T01:00:00.000Z',
      expiresAt: '2026-11-26T01:05:00.000Z',
      ack: waited ? { ref: COMMAND_ID, ok: true } : undefined,
    };
  }
  async deviceChanged(deviceId: string) {
    this.changed.push(deviceId);
  }
}

/** A `deliveries` row as the dispatcher writes it (version 1, no command), with `extra` on top. */
const deliveryRow = (
  bulletin_id: string,
  device_id: string,
  unit_code: string,
  state: string,
  extra: Partial<DeliveriesTable> = {},
): DeliveriesTable => ({
  bulletin_id,
  device_id,
  version: 1,
  state,
  unit_code,
  command_id: null,
  acked_at: null,
  played_at: null,
  outcome: null,
  reason: null,
  updated_at: '2026-11-26T08:00:00.000Z',
  ...extra,
});

const registration = (units: string[], extra: Record<string, unknown> = {}) => ({
  kind: 'radio',
  units,
  vendor: 'Acme Audio',
  model: 'IPL-200',
  publicKey: KEY,
  ...extra,
});

describe('device ids and public keys', () => {
  it('makes ids of the protocol form from the kind and the first unit', () => {
    fc.assert(
      fc.property(fc.constantFrom('radio', 'board'), fc.stringMatching(/^[0-9]{5}$/), (kind, unit) => {
        expect(newDeviceId(kind, unit)).toMatch(new RegExp(`^${kind}-${unit}-[a-z0-9]{6}$`));
      }),
    );
  });

  it('accepts every canonical 32-byte key and says what is wrong with anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        const problem = publicKeyProblem(text);
        if (bytes.every((b) => b === 0)) expect(problem).toContain('zero');
        else expect(problem).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const problem = publicKeyProblem(text);
        const bytes = Buffer.from(text, 'base64url');
        const canonical =
          /^[A-Za-z0-9_-]{43}$/.test(text) && bytes.length === 32 && bytes.toString('base64url') === text;
        if (!canonical) expect(problem).toMatch(/^expected /);
      }),
    );
    expect(publicKeyProblem(`${'A'.repeat(42)}B`)).toContain('canonical');
  });
});

describe.each(DIALECTS)('device routes without the MQTT side on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(() => h.close());

  it('answers 503 to registration and commands, and still reads the registry', async () => {
    const reg = await h.json('POST', '/v1/devices', { token: ADMIN, body: registration(['24065']) });
    expect(reg.status).toBe(503);
    expect(reg.body.code).toBe('unavailable');
    expect(reg.body.detail).toContain('MQTT side');
    const cmd = await h.json('POST', '/v1/devices/radio-24065-abcdef/commands', {
      token: ADMIN,
      body: { type: 'device.ping' },
    });
    expect(cmd.status).toBe(503);
    expect(cmd.body.code).toBe('unavailable');
    const list = await h.json('GET', '/v1/devices', { token: ADMIN });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    expect((await h.json('GET', '/v1/devices/radio-24065-abcdef', { token: ADMIN })).status).toBe(404);
  });
});

describe.each(DIALECTS)('device routes on %s', (dialect) => {
  let h: Harness;
  const hub = new RecordingHub();
  const t: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness(dialect, { hub });
    for (const role of ['admin', 'operator', 'editor', 'approver', 'viewer'])
      t[role] = await h.token(role, ['52']);
    t.communeOperator = await h.token('operator', ['24065']);
    t.communeViewer = await h.token('viewer', ['24065']);
    t.hanoiViewer = await h.token('viewer', ['01']);
  });
  afterAll(() => h.close());

  const register = (token: string, body: unknown) => h.json('POST', '/v1/devices', { token, body });

  it('registers a device for an operator: credentials, topics and trust that parse with the contract', async () => {
    const res = await register(t.operator as string, registration(['24065']));
    expect(res.status).toBe(201);
    const body = DeviceRegisteredSchema.parse(res.body);
    expect(body.id).toMatch(/^radio-24065-[a-z0-9]{6}$/);
    expect(res.headers.get('location')).toBe(`/v1/devices/${body.id}`);
    expect(body.mqtt).toEqual({
      url: 'mqtt://127.0.0.1:1884',
      wsUrl: 'ws://127.0.0.1:8084/mqtt',
      username: body.id,
      password: body.mqtt.password,
    });
    expect(body.topics).toEqual(deviceAcl('52', body.id, ['24065']));
    expect(body.trust).toEqual([ANCHOR]);
    expect(body.trustVersion).toBe(3);
    expect(hub.changed).toContain(body.id);
    const row = await h.db.kysely
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirst();
    expect(row?.unit_path).toBe('|24065|52|');
    expect(row?.secret_hash.startsWith('$7$')).toBe(true);
    expect(row?.secret_hash).not.toContain(body.mqtt.password);
    expect(verifyMqttPassword(body.mqtt.password, row?.secret_hash ?? '')).toBe(true);

    const got = await h.json('GET', `/v1/devices/${body.id}`, { token: t.communeViewer });
    expect(got.status).toBe(200);
    const device = DeviceSchema.parse(got.body);
    expect(device).toMatchObject({
      id: body.id,
      kind: 'radio',
      units: ['24065'],
      vendor: 'Acme Audio',
      model: 'IPL-200',
      publicKey: KEY,
      presence: { online: false },
    });
    expect(device.lastStatus).toBeUndefined();
  });

  it('lets admins and operators register, not editors, approvers or viewers (A-D1)', async () => {
    expect((await register(t.admin as string, registration(['24076']))).status).toBe(201);
    for (const role of ['editor', 'approver', 'viewer']) {
      const res = await register(t[role] as string, registration(['24076']));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it('refuses a unit outside the token with 403 out_of_scope naming it (A-S2)', async () => {
    const res = await register(t.communeOperator as string, registration(['24065', '21553']));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('out_of_scope');
    expect(res.body.detail).toContain('21553');
  });

  it('refuses unknown units, units of another province and bad keys with 400 listing each path', async () => {
    const res = await register(t.admin as string, registration(['24065', '99999', '00004', '24065']));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(res.body.errors).toEqual([
      { path: 'body.units[1]', message: expect.stringContaining('found 99999') },
      { path: 'body.units[2]', message: expect.stringContaining('not in province 52') },
      { path: 'body.units[3]', message: 'unit 24065 is listed twice' },
    ]);
    const key = await register(
      t.admin as string,
      registration(['24065'], { publicKey: `${'A'.repeat(42)}B` }),
    );
    expect(key.status).toBe(400);
    expect(key.body.errors).toEqual([
      { path: 'body.publicKey', message: expect.stringContaining('canonical') },
    ]);
    const short = await register(t.admin as string, registration(['24065'], { publicKey: 'abc' }));
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body.errors)).toContain('body.publicKey');
    const badId = await register(t.admin as string, registration(['24065'], { id: 'Loa 1' }));
    expect(badId.status).toBe(400);
    expect(JSON.stringify(badId.body.errors)).toContain('body.id');
  });

  it('takes a chosen id once, then answers 409 state_conflict', async () => {
    const first = await register(t.admin as string, registration(['21553'], { id: 'loa-21553-001' }));
    expect(first.status).toBe(201);
    expect(first.body.id).toBe('loa-21553-001');
    const again = await register(t.admin as string, registration(['24065'], { id: 'loa-21553-001' }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('state_conflict');
    expect(again.body.detail).toContain('loa-21553-001');
  });

  it('hides devices outside the scope: not listed, 404 on read (A-S3, A-S4)', async () => {
    const hidden = await h.json('GET', '/v1/devices/loa-21553-001', { token: t.communeViewer });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('not_found');
    const list = await h.json('GET', '/v1/devices?limit=100', { token: t.communeViewer });
    const ids = list.body.items.map((d: { id: string }) => d.id);
    expect(ids).not.toContain('loa-21553-001');
    expect(ids.length).toBeGreaterThan(0);
    const hanoi = await h.json('GET', '/v1/devices', { token: t.hanoiViewer });
    expect(hanoi.body.items).toEqual([]);
    const filter = await h.json('GET', '/v1/devices?unit=21553', { token: t.communeViewer });
    expect(filter.status).toBe(403);
    expect(filter.body.code).toBe('out_of_scope');
  });

  it('pages through every device once, by id, and refuses a forged cursor', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await register(t.admin as string, registration(['24076'], { kind: 'board' }))).status).toBe(
        201,
      );
    }
    const all = await h.json('GET', '/v1/devices?limit=100', { token: t.viewer });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/v1/devices?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await h.json('GET', path, { token: t.viewer });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      for (const d of page.body.items) seen.push(DeviceSchema.parse(d).id);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen).toEqual(all.body.items.map((d: { id: string }) => d.id));
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(7);
    const forged = await h.json('GET', '/v1/devices?cursor=xyz', { token: t.viewer });
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('query.cursor');
  });

  it('never fails with 500 on arbitrary cursors (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (cursor) => {
        const res = await h.json('GET', `/v1/devices?limit=3&cursor=${encodeURIComponent(cursor)}`, {
          token: t.viewer,
        });
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(JSON.stringify(res.body.errors)).toContain('query.cursor');
      }),
      { numRuns: 40 },
    );
  });

  it('filters by unit, kind and presence, and shows the status the dispatcher stored', async () => {
    const boards = await h.json('GET', '/v1/devices?kind=board&limit=100', { token: t.viewer });
    expect(boards.body.items.length).toBe(4);
    expect(boards.body.items.every((d: { kind: string }) => d.kind === 'board')).toBe(true);
    const inUnit = await h.json('GET', '/v1/devices?unit=21553', { token: t.viewer });
    expect(inUnit.body.items.map((d: { id: string }) => d.id)).toEqual(['loa-21553-001']);
    await h.db.kysely
      .updateTable('devices')
      .set({
        online: 1,
        presence_since: '2026-11-26T00:12:09.000Z',
        firmware: '2.4.1',
        last_status: JSON.stringify({
          state: 'idle',
          volume: 70,
          configVersion: 4,
          uptimeSec: 29160,
          deviceTime: '2026-11-26T08:18:10Z',
        }),
        last_status_at: '2026-11-26T08:18:09.000Z',
        clock_offset_ms: 850,
      })
      .where('id', '=', 'loa-21553-001')
      .execute();
    const online = await h.json('GET', '/v1/devices?online=true', { token: t.viewer });
    expect(online.body.items).toHaveLength(1);
    const device = DeviceSchema.parse(online.body.items[0]);
    expect(device).toMatchObject({
      id: 'loa-21553-001',
      firmware: '2.4.1',
      presence: { online: true, since: '2026-11-26T00:12:09.000Z' },
      lastStatus: { state: 'idle', volume: 70, configVersion: 4 },
      lastStatusAt: '2026-11-26T08:18:09.000Z',
      clockOffsetMs: 850,
    });
    const offline = await h.json('GET', '/v1/devices?online=false&limit=100', { token: t.viewer });
    expect(offline.body.items.map((d: { id: string }) => d.id)).not.toContain('loa-21553-001');
    expect(offline.body.items.length).toBeGreaterThan(0);
  });

  it('sends a command through the hub and answers 202 with its state and ack', async () => {
    const res = await h.json('POST', '/v1/devices/loa-21553-001/commands', {
      token: t.operator,
      body: { type: 'device.ping', wait: true },
    });
    expect(res.status).toBe(202);
    const sent = DeviceCommandResultSchema.parse(res.body);
    expect(sent).toMatchObject({ deviceId: 'loa-21553-001', type: 'device.ping', state: 'acked' });
    expect(hub.commands.at(-1)).toEqual({
      deviceId: 'loa-21553-001',
      type: 'device.ping',
      body: {},
      waitMs: 5000,
    });
    const config = await h.json('POST', '/v1/devices/loa-21553-001/commands', {
      token: t.admin,
      body: { type: 'config.set', body: { configVersion: 5, volume: 60 } },
    });
    expect(config.status).toBe(202);
    expect(config.body.state).toBe('sent');
    expect(config.body).not.toHaveProperty('ack');
    expect(hub.commands.at(-1)).toEqual({
      deviceId: 'loa-21553-001',
      type: 'config.set',
      body: { configVersion: 5, volume: 60 },
      waitMs: 0,
    });
  });

  it('refuses commands from viewers, outside the scope and to unknown devices', async () => {
    const before = hub.commands.length;
    const viewer = await h.json('POST', '/v1/devices/loa-21553-001/commands', {
      token: t.viewer,
      body: { type: 'device.ping' },
    });
    expect(viewer.status).toBe(403);
    const hidden = await h.json('POST', '/v1/devices/loa-21553-001/commands', {
      token: t.communeOperator,
      body: { type: 'device.ping' },
    });
    expect(hidden.status).toBe(404);
    const both = await register(t.admin as string, registration(['24065', '24076'], { id: 'loa-two-units' }));
    expect(both.status).toBe(201);
    const partly = await h.json('POST', '/v1/devices/loa-two-units/commands', {
      token: t.communeOperator,
      body: { type: 'device.ping' },
    });
    expect(partly.status).toBe(403);
    expect(partly.body.code).toBe('out_of_scope');
    expect(partly.body.detail).toContain('24076');
    const unknown = await h.json('POST', '/v1/devices/loa-nowhere/commands', {
      token: t.admin,
      body: { type: 'device.ping' },
    });
    expect(unknown.status).toBe(404);
    const badType = await h.json('POST', '/v1/devices/loa-21553-001/commands', {
      token: t.admin,
      body: { type: 'bulletin.deliver' },
    });
    expect(badType.status).toBe(400);
    expect(hub.commands.length).toBe(before);
  });

  it('turns hub errors into 404 and 400 problems', async () => {
    try {
      hub.commandError = new ServerError('not_found', 'no device loa-21553-001');
      const gone = await h.json('POST', '/v1/devices/loa-21553-001/commands', {
        token: t.admin,
        body: { type: 'device.ping' },
      });
      expect(gone.status).toBe(404);
      expect(gone.body.detail).toBe('no device loa-21553-001');
      hub.commandError = new ServerError('invalid', 'config.set: volume above 100');
      const bad = await h.json('POST', '/v1/devices/loa-21553-001/commands', {
        token: t.admin,
        body: { type: 'device.ping' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ path: 'body.body', message: 'config.set: volume above 100' }]);
    } finally {
      hub.commandError = undefined;
    }
  });

  it('counts the delivery of a bulletin per unit and device from the deliveries', async () => {
    const created = await h.json('POST', '/v1/bulletins', {
      token: t.editor,
      body: draft(['24065', '24076']),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const empty = await h.json('GET', `/v1/bulletins/${id}/delivery`, { token: t.communeViewer });
    expect(empty.status).toBe(200);
    expect(DeliverySchema.parse(empty.body)).toMatchObject({
      bulletinId: id,
      version: 1,
      targeted: 0,
      acked: 0,
      played: 0,
      failed: 0,
      pending: 0,
      byUnit: [],
      devices: [],
    });
    const row = (device_id: string, unit_code: string, state: string, extra: Partial<DeliveriesTable> = {}) =>
      deliveryRow(id, device_id, unit_code, state, extra);
    await h.db.kysely
      .insertInto('deliveries')
      .values([
        row('loa-a', '24065', 'played', {
          acked_at: '2026-11-26T08:00:02.000Z',
          played_at: '2026-11-26T08:01:05.000Z',
          outcome: 'completed',
          updated_at: '2026-11-26T08:01:06.000Z',
        }),
        row('loa-b', '24065', 'acked', { acked_at: '2026-11-26T08:00:03.000Z' }),
        row('loa-c', '24065', 'pending'),
        row('loa-d', '24076', 'failed', { reason: 'media_unavailable' }),
        row('loa-e', '24076', 'played', {
          acked_at: '2026-11-26T08:00:02.000Z',
          played_at: '2026-11-26T08:01:04.000Z',
          outcome: 'interrupted',
        }),
      ])
      .execute();
    const res = await h.json('GET', `/v1/bulletins/${id}/delivery`, { token: t.viewer });
    expect(res.status).toBe(200);
    const d = DeliverySchema.parse(res.body);
    expect(d).toMatchObject({ targeted: 5, acked: 3, played: 2, failed: 1, pending: 2 });
    expect(d.byUnit).toEqual([
      { unitCode: '24065', targeted: 3, acked: 2, played: 1, failed: 0, pending: 2 },
      { unitCode: '24076', targeted: 2, acked: 1, played: 1, failed: 1, pending: 0 },
    ]);
    expect(d.devices.map((x) => x.deviceId)).toEqual(['loa-a', 'loa-b', 'loa-c', 'loa-d', 'loa-e']);
    expect(d.devices[0]).toEqual({
      deviceId: 'loa-a',
      state: 'played',
      ackedAt: '2026-11-26T08:00:02.000Z',
      playedAt: '2026-11-26T08:01:05.000Z',
      outcome: 'completed',
    });
    expect(d.devices[3]).toEqual({ deviceId: 'loa-d', state: 'failed', reason: 'media_unavailable' });
    expect(d.updatedAt).toBe('2026-11-26T08:01:06.000Z');

    const hidden = await h.json('GET', `/v1/bulletins/${id}/delivery`, { token: t.hanoiViewer });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('not_found');
    const missing = await h.json('GET', '/v1/bulletins/01JDXK4M5N6P7Q8R9S0T1V2W3X/delivery', {
      token: t.viewer,
    });
    expect(missing.status).toBe(404);
  });

  it('shows a commune only the delivery to its own devices of a province-wide bulletin (A-S4)', async () => {
    const created = await h.json('POST', '/v1/bulletins', { token: t.editor, body: draft(['52']) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const own = await register(t.operator as string, registration(['24065']));
    const neighbour = await register(t.operator as string, registration(['24076']));
    const both = await register(t.operator as string, registration(['24076', '24065']));
    expect([own.status, neighbour.status, both.status]).toEqual([201, 201, 201]);
    const delivery = (device_id: string, unit_code: string, state: string) =>
      deliveryRow(id, device_id, unit_code, state, {
        acked_at: state === 'pending' ? null : '2026-11-26T08:00:02.000Z',
        played_at: state === 'played' ? '2026-11-26T08:01:00.000Z' : null,
        outcome: state === 'played' ? 'completed' : null,
        updated_at: '2026-11-26T08:01:00.000Z',
      });
    await h.db.kysely
      .insertInto('deliveries')
      .values([
        delivery(own.body.id, '24065', 'played'),
        delivery(neighbour.body.id, '24076', 'played'),
        delivery(both.body.id, '24076', 'acked'),
        // a delivery whose device row is gone counts for the unit it was recorded under
        delivery('radio-24076-gone00', '24076', 'pending'),
      ])
      .execute();

    const commune = await h.json('GET', `/v1/bulletins/${id}/delivery`, { token: t.communeViewer });
    expect(commune.status).toBe(200);
    const c = DeliverySchema.parse(commune.body);
    expect(c.devices.map((x) => x.deviceId).sort()).toEqual([own.body.id, both.body.id].sort());
    expect(c).toMatchObject({ targeted: 2, acked: 2, played: 1, failed: 0, pending: 1 });
    expect(c.byUnit).toEqual([
      { unitCode: '24065', targeted: 1, acked: 1, played: 1, failed: 0, pending: 0 },
      { unitCode: '24076', targeted: 1, acked: 1, played: 0, failed: 0, pending: 1 },
    ]);

    const province = await h.json('GET', `/v1/bulletins/${id}/delivery`, { token: t.viewer });
    const all = DeliverySchema.parse(province.body);
    expect(all.devices).toHaveLength(4);
    expect(all).toMatchObject({ targeted: 4, acked: 3, played: 2, failed: 0, pending: 2 });
    expect(all.byUnit.map((u) => [u.unitCode, u.targeted])).toEqual([
      ['24065', 1],
      ['24076', 3],
    ]);
  });
});
