import type { CommandBody } from '@nguon/protocol';
import { generateSigningKey } from '@nguon/protocol';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerHandle, externalBroker, mosquittoUrl, startAedesProcess } from './broker';
import { TestkitError } from './errors';
import { DeviceSimulator } from './simulator';
import { generateSystemKey, type SystemKey, SystemPublisher } from './system';
import { provinceMemberships, spreadOverCommunes } from './units';

const N = 50;

async function until(
  test: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const tcpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

function deliver(id: string): CommandBody<'bulletin.deliver'> {
  return {
    bulletin: {
      id,
      version: 1,
      category: 'disaster',
      priority: 'emergency',
      title: 'Cảnh báo lũ quét',
      contents: [{ lang: 'vi', text: 'Lũ quét trên sông Ba, người dân di chuyển lên vùng cao.' }],
    },
    playout: { priority: 'emergency', startAt: new Date().toISOString() },
    media: [],
  };
}

// The Mosquitto run uses topic province 98 (no such province) so that its wildcard listener never
// hears devices of other suites sharing that broker (the benchmarks use 99); its devices stand in
// Gia Lai's communes.
const brokers: [string, () => Promise<BrokerHandle>, string][] = [
  ['aedes in a child process', () => startAedesProcess(), '52'],
  ['Mosquitto', () => externalBroker(mosquittoUrl()), '98'],
];

describe.each(brokers)('%s: 50 simulated devices', (_name, launch, province) => {
  let broker: BrokerHandle;
  let key: SystemKey;
  let system: SystemPublisher;
  let sim: DeviceSimulator;
  let socketsBefore = 0;
  const memberships = spreadOverCommunes('52', N, '2025-07-01');

  beforeAll(async () => {
    broker = await launch();
    key = await generateSystemKey('sim-system-1');
    socketsBefore = tcpSockets();
    system = await SystemPublisher.connect({ url: broker.url, province, key });
    sim = new DeviceSimulator({
      url: broker.url,
      province,
      count: N,
      trust: [key.anchor],
      idPrefix: 'testkit-sim',
      memberships,
      readyOn: 'welcome',
      concurrency: 10,
      playDurationSec: 0.2,
    });
    system.receiptKeys = (id) => sim.anchor(id);
    await sim.start();
  });

  afterAll(async () => {
    await sim?.stop();
    await system?.clearPresence(sim.deviceIds);
    await system?.close();
    await broker?.stop();
  });

  it('connects and welcomes every device, one socket each', async () => {
    const s = sim.stats();
    expect(s.online).toBe(N);
    expect(s.welcomed).toBe(N);
    expect(system.handshakes().welcomes).toBeGreaterThanOrEqual(N);
    expect(tcpSockets() - socketsBefore).toBe(N + 1);
    if (broker.kind === 'aedes-process') expect(await broker.connectedClients()).toBe(N + 1);
  });

  it('acks an area-wide bulletin exactly once per device, then sends verified receipts', async () => {
    const sent = await system.publishArea(province, 'bulletin.deliver', deliver('b-area-1'));
    const tally = await system.waitForAcks(sent.id, N, 20_000);
    expect(tally).toMatchObject({ devices: N, ok: N, refused: 0, duplicates: 0 });
    expect(tally.lastMs).toBeGreaterThan(0);
    await sim.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(system.acks(sent.id).duplicates).toBe(0);
    const seen = sim.acksFor(sent.id);
    expect(seen).toMatchObject({ devices: N, ok: N, duplicates: 0 });
    expect(seen.latency.count).toBe(N);
    expect(seen.latency.max).toBeLessThan(20_000);
    await until(() => system.receiptStats().verified >= N, 15_000, `${N} verified receipts`);
    expect(system.receiptStats()).toMatchObject({ verified: N, rejected: 0, duplicates: 0, devices: N });
    expect(sim.stats().receipts).toBe(N);
    expect(sim.stats().playsEnded).toBe(N);
  });

  it('reaches only the devices of one commune on its area topic', async () => {
    const commune = memberships[0]?.commune as string;
    const inCommune = memberships.filter((m) => m.commune === commune).length;
    expect(inCommune).toBeLessThan(N);
    const sent = await system.publishArea(commune, 'bulletin.deliver', deliver('b-commune-1'));
    const tally = await system.waitForAcks(sent.id, inCommune, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(system.acks(sent.id)).toMatchObject({ devices: inCommune, ok: inCommune, duplicates: 0 });
    expect(tally.ok).toBe(inCommune);
  });

  it('refuses a forged command on every device (ok:false bad_signature) and raises alarms', async () => {
    const forger = await generateSigningKey('sim-system-1');
    const played = sim.stats().playsStarted;
    const alarmsBefore = system.alarms().bad_signature ?? 0;
    const sent = await system.publishArea(province, 'bulletin.deliver', deliver('b-forged'), {
      signer: forger.signer,
    });
    const tally = await system.waitForAcks(sent.id, N, 20_000);
    expect(tally).toMatchObject({ devices: N, ok: 0, refused: N, codes: { bad_signature: N } });
    await until(() => (system.alarms().bad_signature ?? 0) - alarmsBefore >= N, 10_000, 'alarms');
    expect(sim.acksFor(sent.id).codes).toEqual({ bad_signature: N });
    expect(sim.stats().playsStarted).toBe(played);
  });

  it('shuts down cleanly: every device socket closed', async () => {
    const left = await sim.stop();
    expect(left).toBe(0);
    expect(sim.stats().online).toBe(0);
    await until(() => tcpSockets() - socketsBefore <= 1, 5_000, 'device sockets to close');
    expect(tcpSockets() - socketsBefore).toBe(1);
    if (broker.kind === 'aedes-process') {
      await until(async () => (await broker.connectedClients()) === 1, 5_000, 'broker to drop the devices');
    }
  });

  it('leaves no retained presence behind after clearPresence', async () => {
    const topic = `nguon/v1/${province}/dev/+/presence`;
    const retained = async () => {
      const probe = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      const seen = new Set<string>();
      probe.on('message', (t, payload) => {
        const id = t.split('/')[4] ?? '';
        if (payload.length > 0 && sim.deviceIds.includes(id)) seen.add(id);
      });
      await probe.subscribeAsync(topic, { qos: 1 });
      await new Promise((r) => setTimeout(r, 300));
      await probe.endAsync();
      return seen.size;
    };
    expect(await retained()).toBe(N);
    await system.clearPresence(sim.deviceIds);
    expect(await retained()).toBe(0);
  });
});

describe('DeviceSimulator options', () => {
  it('refuses more devices than ulimit -n allows, before opening any socket', async () => {
    const key = await generateSystemKey();
    const sim = new DeviceSimulator({
      url: 'mqtt://127.0.0.1:1',
      province: '52',
      count: 1_000_000,
      trust: [key.anchor],
      memberships: (i) => ({ commune: '23674', units: [String(23674 + (i % 2))] }),
    });
    const error = await sim.start().catch((e: unknown) => e);
    expect(TestkitError.isInstance(error) && error.code).toBe('fd_limit');
    expect(String((error as Error).message)).toMatch(/ulimit -n/);
  });

  it('names the option that is wrong', async () => {
    const key = await generateSystemKey();
    const make = (patch: object) => () =>
      new DeviceSimulator({
        url: 'mqtt://127.0.0.1:1883',
        province: '52',
        count: 1,
        trust: [key.anchor],
        ...patch,
      });
    expect(make({ province: '5' })).toThrow(/province: expected a 2-digit province code, found "5"/);
    expect(make({ count: 0 })).toThrow(/count: expected an integer ≥ 1/);
    expect(make({ idPrefix: 'Bad_Prefix' })).toThrow(/idPrefix/);
    expect(make({ url: 'http://x' })).toThrow(/url: expected an mqtt:\/\//);
    expect(make({ trust: [] })).toThrow(/trust/);
  });

  it('fails fast on an unreachable external broker', async () => {
    const error = await externalBroker('mqtt://127.0.0.1:1', { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(TestkitError.isInstance(error) && error.code).toBe('broker_unreachable');
  });
});

describe('memberships from @nguon/areas', () => {
  it('gives each commune of old Gia Lai its district, and new Gia Lai communes only', () => {
    const old = provinceMemberships('64', '2024-09-01');
    expect(old).toHaveLength(220);
    expect(old.every((m) => m.units.length === 2 && /^\d{3}$/.test(m.units[1] ?? ''))).toBe(true);
    const now = provinceMemberships('52', '2025-07-01');
    expect(now).toHaveLength(135);
    expect(now.every((m) => m.units.length === 1 && /^\d{5}$/.test(m.commune))).toBe(true);
  });

  it('spreads devices round-robin and rejects an unknown province', () => {
    const spread = spreadOverCommunes('52', 300, '2025-07-01');
    expect(new Set(spread.map((m) => m.commune)).size).toBe(135);
    expect(spread[135]?.commune).toBe(spread[0]?.commune);
    expect(() => provinceMemberships('00', '2025-07-01')).toThrow(/province "00" on 2025-07-01/);
  });
});
