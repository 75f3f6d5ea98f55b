import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceError } from './errors';
import { parseDeviceRunConfig, runConfigFromRegistration } from './run-config';

const valid = {
  kind: 'radio',
  deviceId: 'loa-52001-001',
  province: '52',
  units: ['52001'],
  mqtt: { url: 'mqtt://127.0.0.1:1883' },
  trust: [{ kid: 'gl-1', publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
  privateKey: {
    kty: 'OKP',
    crv: 'Ed25519',
    d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
    x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  },
  dataDir: './data',
};

describe('parseDeviceRunConfig', () => {
  it('accepts a complete configuration', () => {
    expect(parseDeviceRunConfig(valid, 'device.json')).toMatchObject({
      deviceId: 'loa-52001-001',
      units: ['52001'],
    });
  });

  it('names the file, the field and what was expected', () => {
    const error = (() => {
      try {
        parseDeviceRunConfig({ ...valid, mqtt: { url: 'http://x' }, units: ['5'] }, 'device.json');
      } catch (e) {
        return e;
      }
    })();
    expect(DeviceError.isInstance(error)).toBe(true);
    expect((error as DeviceError).code).toBe('invalid_config');
    expect((error as DeviceError).message).toContain('device.json: mqtt.url: expected an mqtt://');
    expect((error as DeviceError).message).toContain('device.json: units.0:');
  });

  it('gives a config or a DeviceError for any JSON, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            Object.fromEntries(
              Object.entries(valid).map(([k, v]) => [k, fc.oneof(fc.constant(v), fc.jsonValue())]),
            ),
          ),
        ),
        (value) => {
          try {
            parseDeviceRunConfig(value);
          } catch (error) {
            expect(DeviceError.isInstance(error)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('runConfigFromRegistration', () => {
  const registration = {
    id: 'loa-24065-001',
    mqtt: {
      url: 'mqtts://mqtt.gialai.example:8883',
      wsUrl: 'wss://mqtt.gialai.example/mqtt',
      username: 'loa-24065-001',
      password: 'p4ssw0rd-from-the-system-000000',
    },
    topics: {
      subscribe: ['nguon/v1/52/dev/loa-24065-001/cmd', 'nguon/v1/52/area/24065', 'nguon/v1/52/area/52'],
      publish: ['nguon/v1/52/dev/loa-24065-001/evt/hello', 'nguon/v1/52/dev/loa-24065-001/presence'],
    },
    trust: [{ kid: 'gl-1', publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
    trustVersion: 3,
  };
  const settings = {
    kind: 'radio' as const,
    units: ['24065'],
    privateKey: { ...valid.privateKey, kty: 'OKP' as const, crv: 'Ed25519' as const },
  };

  it('takes the login, trust and province from the answer and the rest from the settings', () => {
    const config = runConfigFromRegistration(registration, {
      ...settings,
      player: 'command',
      vendor: 'Acme',
    });
    expect(config).toEqual({
      kind: 'radio',
      deviceId: 'loa-24065-001',
      province: '52',
      units: ['24065'],
      mqtt: {
        url: 'mqtts://mqtt.gialai.example:8883',
        username: 'loa-24065-001',
        password: 'p4ssw0rd-from-the-system-000000',
      },
      trust: registration.trust,
      trustVersion: 3,
      privateKey: valid.privateKey,
      dataDir: 'loa-24065-001-data',
      player: 'command',
      vendor: 'Acme',
    });
  });

  it('connects over WebSocket when asked, and says so when the system gave no WebSocket address', () => {
    expect(runConfigFromRegistration(registration, { ...settings, transport: 'ws' }).mqtt.url).toBe(
      'wss://mqtt.gialai.example/mqtt',
    );
    const { wsUrl, ...tcpOnly } = registration.mqtt;
    expect(wsUrl).toBeDefined();
    expect(() =>
      runConfigFromRegistration({ ...registration, mqtt: tcpOnly }, { ...settings, transport: 'ws' }),
    ).toThrow(/mqtt\.wsUrl: the system gave no WebSocket address/);
  });

  it('names what is missing in a registration that cannot make a configuration', () => {
    expect(() =>
      runConfigFromRegistration({ ...registration, topics: { subscribe: [], publish: [] } }, settings),
    ).toThrow(/registration: topics: expected a topic nguon\/v1\/\{province\}\/dev\/loa-24065-001/);
    expect(() => runConfigFromRegistration({ ...registration, trust: [] }, settings)).toThrow(
      /registration: trust: expected at least one trusted key/,
    );
    expect(() => runConfigFromRegistration(registration, { ...settings, units: [] })).toThrow(
      /registration: units/,
    );
  });

  it('never throws anything but a DeviceError on arbitrary answers (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (anyTopics, anyMqtt) => {
        try {
          runConfigFromRegistration(
            { ...registration, topics: anyTopics as never, mqtt: anyMqtt as never },
            settings,
          );
        } catch (error) {
          if (!DeviceError.isInstance(error)) throw error;
        }
      }),
    );
  });

  it('reads the province of any two-digit code from the device topics (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), (n) => {
        const p = String(n).padStart(2, '0');
        const config = runConfigFromRegistration(
          {
            ...registration,
            topics: { subscribe: [], publish: [`nguon/v1/${p}/dev/loa-24065-001/presence`] },
          },
          settings,
        );
        expect(config.province).toBe(p);
      }),
    );
  });
});
