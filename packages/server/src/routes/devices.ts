import { randomBytes } from 'node:crypto';
import {
  firstOutOfScope,
  type OperationId,
  problem,
  type RouteParsedInput,
  touchesScope,
  unitInScope,
} from '@nguon/api';
import type { Bulletin } from '@nguon/bulletin';
import { deviceAcl, statusBodySchema } from '@nguon/protocol';
import {
  decodeIdCursor,
  encodeIdCursor,
  fail,
  type HandlerModule,
  invalid,
  isUniqueViolation,
  type ServerShared,
} from '../context';
import type { DeliveriesTable, DevicesTable } from '../db';
import { ServerError } from '../errors';
import { jsonResponse } from '../http';
import type { DeviceHub } from '../hub';
import { hashMqttPassword, newMqttPassword, unitPath } from '../mqtt/secrets';
import type { Principal } from '../store';
import { getStoredBulletin } from '../store';

/**
 * The operations answered by {@link deviceHandlers}: the device registry, one-device commands and the
 * delivery of a bulletin.
 *
 * @example
 * ```ts
 * DEVICES_OPERATIONS.includes('registerDevice'); // true
 * ```
 */
export const DEVICES_OPERATIONS: readonly OperationId[] = [
  'registerDevice',
  'listDevices',
  'getDevice',
  'sendDeviceCommand',
  'getBulletinDelivery',
];

const OUTCOMES = new Set(['completed', 'interrupted', 'preempted', 'failed', 'skipped']);
const STATES = new Set(['pending', 'acked', 'played', 'failed']);

/**
 * A new device id `<kind>-<first unit>-<6 random base36>`, e.g. `radio-24065-k3x9q0`; it matches
 * `DEVICE_ID_PATTERN` of `@nguon/protocol` (P-T2).
 *
 * @example
 * ```ts
 * newDeviceId('radio', '24065'); // 'radio-24065-k3x9q0'
 * ```
 */
export function newDeviceId(kind: string, firstUnit: string): string {
  let suffix = '';
  for (const byte of randomBytes(6)) suffix += (byte % 36).toString(36);
  return `${kind}-${firstUnit}-${suffix}`;
}

/**
 * Why a base64url text is not a raw Ed25519 public key (32 bytes, canonical base64url without
 * padding), or `undefined` when it is one.
 *
 * @example
 * ```ts
 * publicKeyProblem('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'); // undefined
 * publicKeyProblem('abc'); // 'expected 32 bytes in base64url (43 characters), found 3 characters'
 * ```
 */
export function publicKeyProblem(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return 'expected base64url characters (A-Z a-z 0-9 - _) only';
  if (text.length !== 43)
    return `expected 32 bytes in base64url (43 characters), found ${text.length} characters`;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length !== 32 || bytes.toString('base64url') !== text) {
    return 'expected the canonical base64url of 32 bytes: the last character carries unused bits';
  }
  if (bytes.every((b) => b === 0)) return 'expected an Ed25519 public key, found 32 zero bytes';
  return undefined;
}

/**
 * The `devices` row of a device just registered: its identity, key, MQTT login (`secretHash`, the
 * `$7$` hash of its password) and `unitPath` (`|unit|ancestors…|` of each unit, see `unitPath`), with
 * no presence, status or receipts yet. The registration route writes it; tests that need a device
 * without the route write the same row.
 *
 * @example
 * ```ts
 * await db.kysely.insertInto('devices').values(registeredDeviceRow({
 *   id: 'radio-24065-k3x9q0', kind: 'radio', units: ['24065'], vendor: 'Acme Audio', model: 'IPL-200',
 *   publicKey, createdAt: new Date().toISOString(), secretHash: hashMqttPassword(password),
 *   unitPath: '|24065|52|',
 * })).execute();
 * ```
 */
export function registeredDeviceRow(device: {
  id: string;
  kind: string;
  units: readonly string[];
  vendor: string;
  model: string;
  publicKey: string;
  createdAt: string;
  secretHash: string;
  unitPath: string;
  /** The token id that registered it, kept in `body`. */
  registeredBy?: string;
}): DevicesTable {
  const { id, kind, units, vendor, model, publicKey, registeredBy } = device;
  return {
    id,
    kind,
    units: JSON.stringify(units),
    vendor,
    model,
    public_key: publicKey,
    firmware: null,
    created_at: device.createdAt,
    body: JSON.stringify({ kind, units, vendor, model, publicKey, registeredBy }),
    secret_hash: device.secretHash,
    unit_path: device.unitPath,
    online: 0,
    presence_session: 0,
    presence_since: null,
    last_status: null,
    last_status_at: null,
    last_hello_at: null,
    clock_offset_ms: null,
    receipts_committed: 0,
    config_version: 1,
  };
}

/**
 * The unit codes of a `devices.units` column (a JSON array of codes); a column that is not such an
 * array gives none, so that one damaged row does not fail a whole report.
 *
 * @example
 * ```ts
 * deviceUnitCodes('["24065","24076"]'); // ['24065', '24076']
 * deviceUnitCodes('not json'); // []
 * ```
 */
export function deviceUnitCodes(units: string): string[] {
  let codes: unknown;
  try {
    codes = JSON.parse(units);
  } catch {
    return [];
  }
  return Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [];
}

/** A `devices` row as the contract's `Device`. */
function deviceJson(row: DevicesTable, log: ServerShared['log']): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: row.id,
    kind: row.kind,
    units: JSON.parse(row.units) as string[],
    vendor: row.vendor,
    model: row.model,
  };
  if (row.firmware) out.firmware = row.firmware;
  out.publicKey = row.public_key;
  out.registeredAt = row.created_at;
  out.presence = {
    online: Number(row.online) === 1,
    ...(row.presence_since ? { since: row.presence_since } : {}),
  };
  if (row.last_status) {
    try {
      const parsed = statusBodySchema.safeParse(JSON.parse(row.last_status));
      if (parsed.success) out.lastStatus = parsed.data;
      else log.warn({ device: row.id }, 'stored last status does not parse; left out');
    } catch {
      log.warn({ device: row.id }, 'stored last status is not JSON; left out');
    }
  }
  if (row.last_status_at) out.lastStatusAt = row.last_status_at;
  if (row.clock_offset_ms !== null && row.clock_offset_ms !== undefined) {
    out.clockOffsetMs = Number(row.clock_offset_ms);
  }
  return out;
}

/** Whether a device is visible to a token: one of its units (or a unit above them) is in scope. */
const visible = (row: { unit_path: string }, p: Principal) =>
  p.units.some((code) => row.unit_path.includes(`|${code}|`));

function needHub(hub: DeviceHub | undefined, what: string): DeviceHub {
  if (hub === undefined) {
    fail(
      problem('unavailable', {
        detail: `the MQTT side (broker and dispatcher) is not running on this server, so it cannot ${what}; start the server with a device hub`,
      }),
    );
  }
  return hub as DeviceHub;
}

type Counts = { targeted: number; acked: number; played: number; failed: number; pending: number };
const zero = (): Counts => ({ targeted: 0, acked: 0, played: 0, failed: 0, pending: 0 });

/** Adds one delivery: `acked` counts every device that accepted (also those that played since). */
function count(c: Counts, row: Pick<DeliveriesTable, 'state' | 'acked_at'>): void {
  c.targeted += 1;
  if (row.state === 'played') c.played += 1;
  else if (row.state === 'failed') c.failed += 1;
  else c.pending += 1;
  if (row.state === 'acked' || row.state === 'played' || row.acked_at) c.acked += 1;
}

/**
 * The devices routes of the contract: `registerDevice`, `listDevices`, `getDevice`,
 * `sendDeviceCommand` and `getBulletinDelivery`. Registration and commands need the MQTT side
 * (`shared.hub`) and answer 503 `unavailable` without it; the reads work from the database alone.
 *
 * @example
 * ```ts
 * const handlers = deviceHandlers(shared);
 * const res = await handlers.getDevice?.(ctx);
 * ```
 */
export const deviceHandlers: HandlerModule = (shared) => {
  const { k, log, anc, units, registry } = shared;

  async function loadDevice(id: string, p: Principal): Promise<DevicesTable> {
    const row = await k.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !visible(row, p)) fail(problem('not_found', { detail: `no device ${id}` }));
    return row as DevicesTable;
  }

  return {
    async registerDevice(ctx) {
      const hub = needHub(shared.hub, 'register devices');
      const p = ctx.principal as Principal;
      const body = (ctx.input as RouteParsedInput<'registerDevice'>).body;
      const today = units.today();
      const province = hub.province;
      const errors: { path: string; message: string }[] = [];
      body.units.forEach((code, i) => {
        if (registry.get(code, today) === undefined) {
          errors.push({
            path: `body.units[${i}]`,
            message: `expected a unit code of the registry in force today (${today}), found ${code}`,
          });
        } else if (code !== province && !anc(code).includes(province)) {
          errors.push({
            path: `body.units[${i}]`,
            message: `unit ${code} is not in province ${province}, the province this system serves`,
          });
        }
      });
      const seen = new Set<string>();
      body.units.forEach((code, i) => {
        if (seen.has(code))
          errors.push({ path: `body.units[${i}]`, message: `unit ${code} is listed twice` });
        seen.add(code);
      });
      const keyProblem = publicKeyProblem(body.publicKey);
      if (keyProblem) errors.push({ path: 'body.publicKey', message: keyProblem });
      if (errors.length > 0) invalid(errors);
      const outside = firstOutOfScope(body.units, p.units, anc);
      if (outside !== undefined) {
        fail(
          problem('out_of_scope', {
            detail: `body.units: unit ${outside} is outside the units of the token (${p.units.join(', ')}) (rule A-S2)`,
          }),
        );
      }
      const password = newMqttPassword();
      const createdAt = shared.nowIso();
      const secretHash = hashMqttPassword(password);
      const row = (id: string): DevicesTable =>
        registeredDeviceRow({
          id,
          kind: body.kind,
          units: body.units,
          vendor: body.vendor,
          model: body.model,
          publicKey: body.publicKey,
          createdAt,
          secretHash,
          unitPath: unitPath(body.units, anc),
          registeredBy: p.id,
        });
      const taken = (id: string) =>
        fail(
          problem('state_conflict', { detail: `device id ${id} is taken; choose another or leave id out` }),
        );
      let id = body.id;
      if (id !== undefined) {
        const exists = await k.selectFrom('devices').select('id').where('id', '=', id).executeTakeFirst();
        if (exists) taken(id);
        try {
          await k.insertInto('devices').values(row(id)).execute();
        } catch (error) {
          if (isUniqueViolation(error)) taken(id);
          throw error;
        }
      } else {
        for (let attempt = 0; ; attempt++) {
          const candidate = newDeviceId(body.kind, body.units[0] as string);
          try {
            await k.insertInto('devices').values(row(candidate)).execute();
            id = candidate;
            break;
          } catch (error) {
            if (!isUniqueViolation(error) || attempt >= 4) throw error;
          }
        }
      }
      const deviceId = id as string;
      try {
        await hub.deviceChanged(deviceId);
      } catch (error) {
        await k.deleteFrom('devices').where('id', '=', deviceId).execute();
        log.error({ err: error, device: deviceId }, 'the broker did not take the new device');
        fail(
          problem('unavailable', {
            detail: `the MQTT side did not take device ${deviceId}; it was not registered, try again`,
          }),
        );
      }
      const { trust, trustVersion } = await hub.trust();
      log.info({ device: deviceId, kind: body.kind, units: body.units, by: p.id }, 'device registered');
      return jsonResponse(
        201,
        {
          id: deviceId,
          mqtt: { ...hub.endpoints(), username: deviceId, password },
          topics: deviceAcl(province, deviceId, body.units),
          trust,
          trustVersion,
        },
        { location: `/v1/devices/${encodeURIComponent(deviceId)}` },
      );
    },

    async listDevices(ctx) {
      const p = ctx.principal as Principal;
      const q = (ctx.input as RouteParsedInput<'listDevices'>).query;
      if (q.unit !== undefined && !unitInScope(q.unit, p.units, anc)) {
        fail(
          problem('out_of_scope', {
            detail: `query.unit: unit ${q.unit} is outside the units of the token (rule A-S4)`,
          }),
        );
      }
      const after = decodeIdCursor(q.cursor);
      let query = k
        .selectFrom('devices')
        .selectAll()
        .where((eb) => eb.or(p.units.map((code) => eb('unit_path', 'like', `%|${code}|%`))));
      if (q.unit !== undefined) query = query.where('unit_path', 'like', `%|${q.unit}|%`);
      if (q.kind) query = query.where('kind', '=', q.kind);
      if (q.online) query = query.where('online', '=', q.online === 'true' ? 1 : 0);
      if (after !== undefined) query = query.where('id', '>', after);
      const rows = await query
        .orderBy('id', 'asc')
        .limit(q.limit + 1)
        .execute();
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return jsonResponse(200, {
        items: page.map((r) => deviceJson(r, log)),
        nextCursor: rows.length > q.limit && last ? encodeIdCursor(last.id) : null,
      });
    },

    async getDevice(ctx) {
      const p = ctx.principal as Principal;
      const { params } = ctx.input as RouteParsedInput<'getDevice'>;
      return jsonResponse(200, deviceJson(await loadDevice(params.id, p), log));
    },

    async sendDeviceCommand(ctx) {
      const hub = needHub(shared.hub, 'send commands');
      const p = ctx.principal as Principal;
      const { params, body } = ctx.input as RouteParsedInput<'sendDeviceCommand'>;
      const row = await loadDevice(params.id, p);
      const outside = firstOutOfScope(JSON.parse(row.units) as string[], p.units, anc);
      if (outside !== undefined) {
        fail(
          problem('out_of_scope', {
            detail: `device ${row.id} serves unit ${outside}, outside the units of the token (${p.units.join(', ')}) (rule A-S2)`,
          }),
        );
      }
      try {
        const sent = await hub.sendCommand(row.id, body.type, (body.body ?? {}) as Record<string, unknown>, {
          waitMs: body.wait ? 5000 : 0,
        });
        const { ack, ...rest } = sent;
        return jsonResponse(202, { ...rest, ...(ack === undefined ? {} : { ack }) });
      } catch (error) {
        if (ServerError.isInstance(error) && error.code === 'not_found') {
          fail(problem('not_found', { detail: error.message }));
        }
        if (ServerError.isInstance(error) && error.code === 'invalid') {
          invalid([{ path: 'body.body', message: error.message }]);
        }
        throw error;
      }
    },

    async getBulletinDelivery(ctx) {
      const p = ctx.principal as Principal;
      const { params } = ctx.input as RouteParsedInput<'getBulletinDelivery'>;
      const stored = await getStoredBulletin(k, params.id);
      const bulletin = stored?.bulletin as Bulletin | undefined;
      if (!bulletin || !touchesScope(bulletin.targets.units?.codes ?? [], p.units, anc)) {
        fail(problem('not_found', { detail: `no bulletin ${params.id}` }));
      }
      const b = bulletin as Bulletin;
      // A-S4: a province-wide bulletin is readable from a commune, but its devices are not all the
      // commune's; the counts are those of the devices the token may read (as GET /v1/devices).
      const all = await k
        .selectFrom('deliveries as d')
        .leftJoin('devices as dv', 'dv.id', 'd.device_id')
        .selectAll('d')
        .select('dv.unit_path')
        .where('d.bulletin_id', '=', b.id)
        .orderBy('d.device_id', 'asc')
        .execute();
      const rows = all.filter((r) =>
        r.unit_path ? visible({ unit_path: r.unit_path }, p) : unitInScope(r.unit_code, p.units, anc),
      );
      const total = zero();
      const byUnit = new Map<string, Counts>();
      let updatedAt: string | undefined;
      const devices = rows.map((r) => {
        count(total, r);
        let unit = byUnit.get(r.unit_code);
        if (!unit) {
          unit = zero();
          byUnit.set(r.unit_code, unit);
        }
        count(unit, r);
        if (updatedAt === undefined || r.updated_at > updatedAt) updatedAt = r.updated_at;
        return {
          deviceId: r.device_id,
          state: STATES.has(r.state) ? r.state : 'pending',
          ...(r.acked_at ? { ackedAt: r.acked_at } : {}),
          ...(r.played_at ? { playedAt: r.played_at } : {}),
          ...(r.outcome && OUTCOMES.has(r.outcome) ? { outcome: r.outcome } : {}),
          ...(r.reason ? { reason: r.reason } : {}),
        };
      });
      return jsonResponse(200, {
        bulletinId: b.id,
        version: b.version,
        ...total,
        byUnit: [...byUnit.entries()]
          .sort(([a], [z]) => (a < z ? -1 : a > z ? 1 : 0))
          .map(([unitCode, c]) => ({ unitCode, ...c })),
        devices,
        updatedAt: updatedAt ?? shared.nowIso(),
      });
    },
  };
};
