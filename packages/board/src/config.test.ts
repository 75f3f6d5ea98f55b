import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBoardConfig } from './config';
import { BoardError } from './errors';

const valid = {
  element: '#board',
  deviceId: 'bt-52001-001',
  province: '52',
  units: ['52001', '520'],
  mqtt: { url: 'wss://mqtt.example.vn/mqtt', password: 'secret', keepalive: 30 },
  trust: [{ kid: 'gl-2026-1', publicKey: 'hCq3' }],
  privateKey: { kty: 'OKP', crv: 'Ed25519', x: 'abc', d: 'def' },
  display: { slideSec: 15 },
};

function errorOf(input: unknown): BoardError {
  try {
    parseBoardConfig(input);
  } catch (error) {
    if (BoardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a BoardError, the config was accepted');
}

describe('parseBoardConfig', () => {
  it('accepts a complete config and keeps the fields it does not check', () => {
    expect(parseBoardConfig(valid)).toBe(valid);
    expect(parseBoardConfig({ ...valid, storage: 'memory' })).toMatchObject({ display: { slideSec: 15 } });
  });

  it('names the wrong field and says what was expected', () => {
    expect(errorOf({ ...valid, mqtt: { url: 'mqtt://10.0.0.1:1883' } }).message).toBe(
      'board config mqtt.url: expected a ws:// or wss:// URL (browsers speak MQTT over WebSocket)',
    );
    expect(errorOf({ ...valid, units: ['52001', 'Ia Grai'] }).message).toBe(
      'board config units.1: expected a unit code of 2–5 digits',
    );
    expect(errorOf({ ...valid, deviceId: 'Bảng tin 1' }).message).toContain(
      'board config deviceId: expected a device id',
    );
    expect(errorOf({ ...valid, privateKey: { ...valid.privateKey, crv: 'P-256' } }).message).toContain(
      'board config privateKey.crv',
    );
    expect(errorOf({ ...valid, trust: [] }).message).toContain('board config trust');
    expect(errorOf(undefined).code).toBe('invalid_config');
  });

  it('answers any input with the config or a BoardError invalid_config, never another error', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseBoardConfig(input);
        } catch (error) {
          expect(BoardError.isInstance(error)).toBe(true);
          expect((error as BoardError).code).toBe('invalid_config');
          expect((error as BoardError).message).toMatch(/^board config \S+: /);
        }
      }),
    );
  });

  it('names the field whichever field of a valid config is broken', () => {
    const fields = ['element', 'deviceId', 'province', 'units', 'mqtt', 'trust', 'privateKey'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.constantFrom(null, 42, '', [], true), (field, value) => {
        const error = errorOf({ ...valid, [field]: value });
        expect(error.message.startsWith(`board config ${field}`)).toBe(true);
      }),
    );
  });
});
