import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startBroker } from './broker';

async function roundTrip(url: string): Promise<string> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  try {
    const got = new Promise<string>((resolve) =>
      client.on('message', (_t, payload) => resolve(payload.toString())),
    );
    await client.subscribeAsync('t/x', { qos: 1 });
    await client.publishAsync('t/x', 'hello', { qos: 1 });
    return await got;
  } finally {
    await client.endAsync();
  }
}

describe('startBroker', () => {
  it('serves MQTT over TCP and WebSocket on free ports', async () => {
    const broker = await startBroker();
    try {
      expect(broker.port).toBeGreaterThan(0);
      expect(await roundTrip(broker.url)).toBe('hello');
      expect(await roundTrip(broker.wsUrl)).toBe('hello');
    } finally {
      await broker.close();
    }
  });
});
