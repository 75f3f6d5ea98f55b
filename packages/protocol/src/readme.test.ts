import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ANCHOR, SYSTEM_KID, SYSTEM_PRIVATE_JWK } from './__fixtures__/keys';
import { COMMAND_SAMPLES, T0_MS } from './__fixtures__/samples';
import { createSigner, verifyCommand } from './jws';
import { nodeBackend } from './node';
import { TrustStore } from './trust';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = readme.slice(readme.indexOf('### Worked example'), readme.indexOf('## Verifying a command'));
const blocks = [...example.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => m[2]?.trim() ?? '');

describe('README worked example', () => {
  it('P-S1 shows the exact payload, signature and JWS this package produces, and it verifies', async () => {
    const [keys = '', payload = '', signatureHex = '', jws = ''] = blocks;
    const signer = await createSigner({ kid: SYSTEM_KID, privateKey: SYSTEM_PRIVATE_JWK });
    const expected = await signer.sign(COMMAND_SAMPLES['bulletin.revoke']);
    expect(jws).toBe(expected);
    expect(payload).toBe(JSON.stringify(COMMAND_SAMPLES['bulletin.revoke']));
    expect(example).toContain(`(UTF-8 JSON, ${new TextEncoder().encode(payload).length} bytes,`);
    expect(signatureHex).toBe(Buffer.from(expected.split('.')[2] ?? '', 'base64url').toString('hex'));
    expect(keys).toContain(SYSTEM_ANCHOR.publicKey);
    expect(keys).toContain(Buffer.from(SYSTEM_ANCHOR.publicKey, 'base64url').toString('hex'));
    const trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 1, backend: nodeBackend });
    const result = await verifyCommand(jws, {
      trust,
      deviceId: 'loa-52001-001',
      units: ['52001'],
      province: '52',
      topic: 'nguon/v1/52/area/52',
      now: () => T0_MS,
    });
    expect(result.ok).toBe(true);
  });

  it('P-X6 the SPKI prefix given for Java turns the raw public key into one that verifies the example', () => {
    const hex = readme.match(/`((?:[0-9a-f]{2} ){11}[0-9a-f]{2})`/)?.[1]?.replaceAll(' ', '') ?? '';
    expect(hex).toHaveLength(24);
    const spki = Buffer.concat([Buffer.from(hex, 'hex'), Buffer.from(SYSTEM_ANCHOR.publicKey, 'base64url')]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const jws = blocks[3] ?? '';
    const dot = jws.lastIndexOf('.');
    expect(
      verify(null, Buffer.from(jws.slice(0, dot)), key, Buffer.from(jws.slice(dot + 1), 'base64url')),
    ).toBe(true);
    expect(
      verify(
        null,
        Buffer.from(`${jws.slice(0, dot - 1)}A`),
        key,
        Buffer.from(jws.slice(dot + 1), 'base64url'),
      ),
    ).toBe(false);
  });
});
