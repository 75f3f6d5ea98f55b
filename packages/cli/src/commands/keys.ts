import { generateSigningKey, ProtocolError } from '@nguon/protocol';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io';

const KID = /^[A-Za-z0-9._:-]{1,128}$/;

function defaultKid(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const random = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `key-${day}-${random}`;
}

/**
 * Registers `nguon keys generate [--kid ID]`: prints a new Ed25519 key pair as JSON
 * `{kid, publicKey, privateKey}` — `publicKey` the raw 32 bytes in base64url (a protocol trust anchor),
 * `privateKey` a JWK (`kty: "OKP"`, `crv: "Ed25519"`, `d`, `x`, `kid`).
 *
 * @example
 * ```ts
 * registerKeysCommands(program, io); // nguon keys generate --kid loa-52001-001
 * ```
 */
export function registerKeysCommands(program: Command, io: CliIo): void {
  const keys = program
    .command('keys')
    .description('Ed25519 signing keys for devices (receipts) and the source system (commands)');
  keys
    .command('generate')
    .description(
      'print a new Ed25519 key pair as JSON {kid, publicKey, privateKey}; publicKey is the trust anchor (raw 32 bytes, base64url), privateKey a JWK to keep secret',
    )
    .option(
      '--kid <id>',
      'key id, 1–128 characters [A-Za-z0-9._:-]; for a device key use the device id (default key-YYYYMMDD-xxxxxx)',
    )
    .action(async (options: { kid?: string }) => {
      const kid = options.kid ?? defaultKid();
      if (!KID.test(kid)) {
        io.stderr(
          `nguon keys generate: --kid: expected 1–128 characters [A-Za-z0-9._:-], found ${JSON.stringify(kid)}\n`,
        );
        throw new CliExit(1);
      }
      try {
        const { anchor, privateJwk } = await generateSigningKey(kid);
        const privateKey = {
          kty: privateJwk.kty,
          crv: privateJwk.crv,
          d: privateJwk.d,
          x: privateJwk.x,
          kid,
        };
        io.stdout(`${JSON.stringify({ kid, publicKey: anchor.publicKey, privateKey }, null, 2)}\n`);
      } catch (error) {
        if (!ProtocolError.isInstance(error)) throw error;
        io.stderr(`nguon keys generate: ${error.message}\n`);
        throw new CliExit(1);
      }
    });
}
