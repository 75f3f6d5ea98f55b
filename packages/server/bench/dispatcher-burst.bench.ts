// Bursts through the dispatcher: N devices say hello at once (time until every welcome is published,
// with the re-send query per device), then N status events at once (time until all are written).
// Run: N=2000 npx tsx --conditions=@nguon/source packages/server/bench/dispatcher-burst.bench.ts [sqlite|postgres]
import { randomBytes } from 'node:crypto';
import { startBroker } from '@nguon/device/test';
import { createEvent, eventTopic } from '@nguon/protocol';
import mqtt from 'mqtt';
import { openTestDb, scope, until } from '../src/mqtt/dispatch-test-support';
import { createDispatcher } from '../src/mqtt/dispatcher';
import { registeredDeviceRow } from '../src/routes/devices';

const N = Number(process.env.N ?? 2000);
const dialect = (process.argv[2] ?? 'sqlite') as 'sqlite' | 'postgres';
const P = '52';
const UNIT = '24065';

const { db, drop } = await openTestDb(dialect);
const broker = await startBroker();
const ids = Array.from({ length: N }, (_, i) => `bench-${i}`);
const created = new Date().toISOString();
for (let i = 0; i < N; i += 500) {
  await db.kysely
    .insertInto('devices')
    .values(
      ids.slice(i, i + 500).map((id) =>
        registeredDeviceRow({
          id,
          kind: 'radio',
          units: [UNIT],
          vendor: 'bench',
          model: 'bench',
          publicKey: randomBytes(32).toString('base64url'),
          createdAt: created,
          secretHash: '',
          unitPath: `|${UNIT}|${P}|`,
        }),
      ),
    )
    .execute();
}
const dispatcher = await createDispatcher({
  db,
  province: P,
  mqtt: { url: broker.url, clientId: 'bench-system' },
  endpoints: { url: broker.url },
  units: scope,
  receipts: { threads: 1 },
});
const client = await mqtt.connectAsync(broker.url, { clientId: 'bench-devices' });

let t0 = performance.now();
const sentBefore = dispatcher.stats().commandsSent;
await Promise.all(
  ids.map((id, i) => {
    const hello = createEvent(
      'hello',
      {
        kind: 'radio',
        vendor: 'bench',
        model: 'bench',
        firmware: '1.0.0',
        protocols: [1],
        units: [UNIT],
        capabilities: {},
        receiptsPendingFrom: 1,
      },
      { seq: i + 1 },
    );
    return client.publishAsync(eventTopic(P, id, 'hello'), JSON.stringify(hello), { qos: 1 });
  }),
);
await until(
  async () => dispatcher.stats().commandsSent - sentBefore,
  (n) => n >= N,
  600_000,
);
const helloMs = performance.now() - t0;

t0 = performance.now();
const statusAt = new Date().toISOString();
await Promise.all(
  ids.map((id, i) => {
    const status = createEvent(
      'status',
      { state: 'idle', volume: 70, configVersion: 1, uptimeSec: 60, deviceTime: statusAt },
      { seq: N + i + 1 },
    );
    return client.publishAsync(eventTopic(P, id, 'status'), JSON.stringify(status), { qos: 1 });
  }),
);
await until(
  async () =>
    Number(
      (
        await db.kysely
          .selectFrom('devices')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('last_status_at', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  (n) => n >= N,
  600_000,
);
const statusMs = performance.now() - t0;
const stats = dispatcher.stats();
console.log(
  JSON.stringify({
    dialect,
    devices: N,
    helloToWelcomeMs: Math.round(helloMs),
    welcomesPerSec: Math.round((N / helloMs) * 1000),
    statusBurstWrittenMs: Math.round(statusMs),
    publishLatencyMs: {
      p50: +stats.publishLatencyMs.p50.toFixed(2),
      p99: +stats.publishLatencyMs.p99.toFixed(2),
    },
  }),
);
await client.endAsync();
await dispatcher.close();
await broker.close();
await drop();
