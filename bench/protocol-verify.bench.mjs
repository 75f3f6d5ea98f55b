// Verifying a signed command (JWS parse, Ed25519 signature, envelope checks) against a bare
// node:crypto Ed25519 verify of the same bytes. Run after `npx turbo run build --filter=@nguon/protocol`.
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  COMMAND_SCHEMAS,
  checkCommand,
  createSigner,
  joseBackend,
  signCommand,
  TrustStore,
  verifyCommand,
} from '@nguon/protocol';
import { nodeBackend } from '@nguon/protocol/node';
import Ajv2020 from 'ajv/dist/2020.js';
import { compactVerify, importJWK } from 'jose';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const privateJwk = privateKey.export({ format: 'jwk' });
const anchor = { kid: 'bench-1', publicKey: privateJwk.x };
const signer = await createSigner({ kid: anchor.kid, privateKey: privateJwk });
const now = Date.now();
const jws = await signCommand(
  signer,
  'bulletin.deliver',
  {
    bulletin: {
      id: 'gl-2026-000123',
      version: 1,
      category: 'disaster',
      priority: 'emergency',
      title: 'Bão số 9: sơ tán khẩn cấp',
      contents: [
        {
          lang: 'vi',
          title: 'Bão số 9',
          text: 'Bão số 9 đổ bộ trong đêm nay. Người dân vùng trũng sơ tán ngay.',
        },
        { lang: 'jra', text: 'Angin prong…' },
      ],
    },
    playout: {
      priority: 'emergency',
      startAt: new Date(now).toISOString(),
      repeat: { count: 3, intervalSec: 900 },
    },
    media: [
      {
        url: 'https://media.example.vn/b/gl-2026-000123-vi.mp3',
        sha256: 'a3f1c9a0e5b7d2c4f6e8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e',
        size: 482133,
        mime: 'audio/mpeg',
        durationSec: 61.5,
      },
    ],
  },
  { to: 'area:52001', now, ttlSec: 3600 },
);

const context = (trust) => ({
  trust,
  deviceId: 'loa-52001-001',
  units: ['52001', '520'],
  province: '52',
  topic: 'nguon/v1/52/area/52001',
  now: () => now + 1000,
});
const nodeCtx = context(await TrustStore.create([anchor], { trustVersion: 1, backend: nodeBackend }));
const joseCtx = context(await TrustStore.create([anchor], { trustVersion: 1, backend: joseBackend }));

// Baseline: the signature check alone, on bytes decoded beforehand, key imported once.
const last = jws.lastIndexOf('.');
const data = Buffer.from(jws.slice(0, last), 'latin1');
const signature = Buffer.from(jws.slice(last + 1), 'base64url');
const keyObject = createPublicKey({ key: publicKey.export({ format: 'jwk' }), format: 'jwk' });
const cryptoKey = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: anchor.publicKey }, 'EdDSA');

for (const [name, ctx] of [
  ['node', nodeCtx],
  ['jose', joseCtx],
]) {
  const r = await verifyCommand(jws, ctx);
  if (!r.ok) throw new Error(`${name} backend refused the bench command: ${r.error.message}`);
}
if (!verify(null, data, keyObject, signature)) throw new Error('baseline refused the signature');

// The machine is shared, so the candidates run interleaved in short slices and each reports the
// median of its slices, in CPU time of this process (user + system, worker threads included):
// other processes' load then barely moves the figures, and it hits all candidates alike.
async function measureAll(candidates, { slices = 30, sliceMs = 60 } = {}) {
  const times = candidates.map(() => []);
  for (const [, fn] of candidates) for (let i = 0; i < 300; i++) await fn();
  for (let slice = 0; slice < slices; slice++) {
    for (const [index, [, fn]] of candidates.entries()) {
      let n = 0;
      const cpu = process.cpuUsage();
      const stop = process.hrtime.bigint() + BigInt(sliceMs) * 1_000_000n;
      while (process.hrtime.bigint() < stop) {
        for (let i = 0; i < 20; i++) await fn();
        n += 20;
      }
      const used = process.cpuUsage(cpu);
      times[index].push((used.user + used.system) / n);
    }
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

const [baseline, oursNode, oursJose, naiveJose] = await measureAll([
  ['baseline', () => verify(null, data, keyObject, signature)],
  ['node', () => verifyCommand(jws, nodeCtx)],
  ['jose', () => verifyCommand(jws, joseCtx)],
  ['naive', async () => JSON.parse(new TextDecoder().decode((await compactVerify(jws, cryptoKey)).payload))],
]);

const fmt = (us) => `${us.toFixed(1)} µs`;
const line = (name, ours, target) =>
  `${name}: ours ${fmt(ours)}, baseline ${fmt(baseline)}, ratio ${(ours / baseline).toFixed(2)}× (target ${target})`;
console.log(`payload ${jws.length} bytes, node ${process.version}`);
console.log(line('verify command, node:crypto backend', oursNode, '≤ 1.3×'));
console.log(
  line(
    'verify command, jose backend (browser path)',
    oursJose,
    'none: the portable path; ≤ 1.3× applies to the Node path',
  ),
);
console.log(line('naive jose compactVerify + JSON.parse, no envelope checks', naiveJose, 'reference'));

// Validation alone, against ajv compiled from the shipped JSON Schema: checkCommand (the generated
// fast path for valid commands, zod for the rest; what verifyCommand runs on Node) and the zod
// catalogue by itself (what the browser build runs, and what refused commands go through).
const schemaPath = createRequire(import.meta.url).resolve(
  '@nguon/protocol/schema/json/command/bulletin.deliver.schema.json',
);
const validate = new Ajv2020({ strict: true, validateFormats: false }).compile(
  JSON.parse(readFileSync(schemaPath, 'utf8')),
);
const command = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));
if (
  !validate(command) ||
  !checkCommand(command).ok ||
  !COMMAND_SCHEMAS['bulletin.deliver'].safeParse(command).success
)
  throw new Error('sample invalid');
const [ajvTime, fastTime, zodTime] = await measureAll([
  ['ajv', () => validate(command)],
  ['fast', () => checkCommand(command)],
  ['zod', () => COMMAND_SCHEMAS['bulletin.deliver'].safeParse(command)],
]);
const validation = (name, ours, target) =>
  `${name}: ours ${fmt(ours)}, baseline (ajv) ${fmt(ajvTime)}, ratio ${(ours / ajvTime).toFixed(2)}× (target ${target})`;
console.log(validation('validate bulletin.deliver, checkCommand (fast path)', fastTime, '≤ 2×'));
console.log(
  validation(
    'validate bulletin.deliver, zod catalogue alone (browser build, refused commands)',
    zodTime,
    'none, informative',
  ),
);

// Bundle size of verifyCommand + TrustStore (esbuild, minified, gzip): the browser build, which keeps
// the generated validators out and checks with zod/mini alone, against the Node build with them.
const { build } = await import('esbuild');
const { gzipSync } = await import('node:zlib');
async function gzipSize(platform) {
  const result = await build({
    stdin: {
      contents: `export { verifyCommand, TrustStore } from '@nguon/protocol';`,
      resolveDir: import.meta.dirname,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform,
    minify: true,
    write: false,
    logLevel: 'error',
  });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length / 1024;
}
const [browserKb, nodeKb] = [await gzipSize('browser'), await gzipSize('node')];
console.log(
  `bundle verifyCommand + TrustStore: ours (browser build) ${browserKb.toFixed(1)} KB gzip, baseline (Node build, with the generated validators) ${nodeKb.toFixed(1)} KB gzip, ratio ${(browserKb / nodeKb).toFixed(2)} (target none, informative)`,
);
