import { createSigner, signCommand, TrustStore, verifyCommand } from '@nguon/protocol';
import { describe, expect, test } from 'vitest';
import { run } from '../test-helpers';

describe('nguon keys generate', () => {
  test('prints a usable Ed25519 key pair: the anchor verifies what the private JWK signs', async () => {
    const result = await run(['keys', 'generate', '--kid', 'loa-52001-001']);
    expect(result.code).toBe(0);
    const key = JSON.parse(result.stdout) as {
      kid: string;
      publicKey: string;
      privateKey: Record<string, string>;
    };
    expect(key.kid).toBe('loa-52001-001');
    expect(key.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.privateKey).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      x: key.publicKey,
      kid: 'loa-52001-001',
    });
    const signer = await createSigner({ kid: key.kid, privateKey: key.privateKey });
    const jws = await signCommand(signer, 'device.ping', {}, { to: 'dev:loa-52001-001', ttlSec: 60 });
    const trust = await TrustStore.create([{ kid: key.kid, publicKey: key.publicKey }], { trustVersion: 1 });
    const verified = await verifyCommand(jws, { trust, deviceId: 'loa-52001-001', units: ['52001'] });
    expect(verified.ok).toBe(true);
  });

  test('gives a fresh key and a default kid each time', async () => {
    const a = JSON.parse((await run(['keys', 'generate'])).stdout) as { kid: string; publicKey: string };
    const b = JSON.parse((await run(['keys', 'generate'])).stdout) as { kid: string; publicKey: string };
    expect(a.kid).toMatch(/^key-\d{8}-[0-9a-f]{6}$/);
    expect(a.publicKey).not.toBe(b.publicKey);
  });

  test('refuses a kid the protocol cannot carry', async () => {
    const result = await run(['keys', 'generate', '--kid', 'has space']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--kid: expected 1–128 characters');
    expect(result.stdout).toBe('');
  });
});
