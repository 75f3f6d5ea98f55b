import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceError } from './errors';
import { parseDeviceRunConfig } from './run-config';

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
