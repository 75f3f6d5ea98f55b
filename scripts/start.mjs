// `npm start`: builds the packages and shows what nguon does today, end to end, on this machine.
// Until the reference source system (`nguon dev`) exists, it plays the system's part itself: an
// embedded MQTT broker, three reference devices run by `nguon device run`, and one signed emergency
// bulletin sent to the whole province, with acknowledgements and signed proof of play coming back.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const work = mkdtempSync(join(tmpdir(), 'nguon-demo-'));
const say = (text) => process.stdout.write(`${text}\n`);

function nguon(...args) {
  say(`\n$ nguon ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });
  const out = result.stdout.split('\n');
  process.stdout.write(
    out.slice(0, 14).join('\n') + (out.length > 14 ? `\n… (${out.length - 14} more lines)\n` : ''),
  );
  if (result.stderr.trim() !== '') process.stdout.write(result.stderr.split('\n').slice(0, 8).join('\n'));
  return result;
}

say('Building the packages (turbo caches what has not changed)…');
const build = spawnSync(
  'npx',
  ['turbo', 'run', 'build', '--filter=@nguon/cli...', '--output-logs=errors-only'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const { exampleFloodWarning } = await import('@nguon/bulletin');
const { loadUnits } = await import('@nguon/areas');
const { deliverBodyFromBulletin } = await import('@nguon/protocol');
const { startBroker, generateTrustKey, TestSystem } = await import('@nguon/device/test');

say('\n=== 1. Administrative units, bulletins, CAP 1.2 and the Gia Lai plan ===');
nguon('units', 'find', 'Đak Đoa', '--at', '2024-09-01');
nguon('units', 'map', '23674', '--from', '2024-09-01', '--to', '2025-07-01');
const today = new Date().toISOString().slice(0, 10);
// The sample emergency, moved to now so that it is still valid when the devices receive it.
const shift = Date.now() - 60_000 - Date.parse(exampleFloodWarning.schedule.start);
const moved = (time) => (time === undefined ? undefined : new Date(Date.parse(time) + shift).toISOString());
const bulletin = {
  ...exampleFloodWarning,
  contents: exampleFloodWarning.contents.map(({ audio, images, video, ...text }) => text),
  schedule: {
    ...exampleFloodWarning.schedule,
    start: moved(exampleFloodWarning.schedule.start),
    end: moved(exampleFloodWarning.schedule.end),
  },
};
writeFileSync(join(work, 'bulletin.json'), JSON.stringify(bulletin, null, 2));
nguon('bulletin', 'validate', 'bulletin.json', '--no-units');
const cap = nguon('cap', 'export', 'bulletin.json', '--sender', 'demo@nguon.invalid');
writeFileSync(join(work, 'alert.xml'), cap.stdout);
nguon('cap', 'import', 'alert.xml');
nguon('indicators', 'validate', 'gia-lai-2024');

say('\n=== 2. Delivery and proof of play: three loudspeakers, one signed emergency ===');
const broker = await startBroker();
const systemKey = await generateTrustKey('demo-system-1');
const system = await TestSystem.connect({ url: broker.url, province: '52', key: systemKey });
const units = loadUnits();
const communes = ['Pleiku', 'Đak Đoa', 'Kbang'].map(
  (name) => units.search(name, { at: today, level: 'commune', within: '52', limit: 1 })[0].unit,
);
const devices = [];
for (const [index, commune] of communes.entries()) {
  const deviceId = `loa-demo-00${index + 1}`;
  const keys = JSON.parse(
    spawnSync(process.execPath, [bin, 'keys', 'generate', '--kid', deviceId], { encoding: 'utf8' }).stdout,
  );
  const config = {
    kind: 'radio',
    deviceId,
    province: '52',
    units: [commune.code],
    mqtt: { url: broker.url },
    trust: [systemKey.anchor],
    privateKey: keys.privateKey,
    dataDir: join(work, deviceId),
    player: 'null',
  };
  writeFileSync(join(work, `${deviceId}.json`), JSON.stringify(config));
  await system.register(deviceId, { kid: keys.kid, publicKey: keys.publicKey });
  const child = spawn(process.execPath, [bin, 'device', 'run', '--config', join(work, `${deviceId}.json`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    for (const line of chunk.split('\n').filter(Boolean)) say(`  [${deviceId} · ${commune.name}] ${line}`);
  });
  devices.push({ deviceId, child });
}
for (const { deviceId } of devices)
  await system.waitFor((m) => m.type === 'status' && m.deviceId === deviceId, 20_000);
say(`\nSource system: sending "${bulletin.contents[0].title}" to area 52 (the whole province)…`);
const sent = Date.now();
const { id } = await system.sendArea('52', 'bulletin.deliver', deliverBodyFromBulletin(bulletin), {
  ttlSec: 3600,
});
for (const { deviceId } of devices) {
  await system.waitFor(
    (m) => m.type === 'ack' && m.deviceId === deviceId && m.message.body?.ref === id,
    20_000,
  );
}
say(`All ${devices.length} devices acknowledged in ${Date.now() - sent} ms; waiting for proof of play…`);
for (const { deviceId } of devices) {
  await system.waitFor((m) => m.type === 'receipt' && m.deviceId === deviceId, 120_000);
}
for (const { deviceId } of devices) {
  const receipt = system.of(deviceId, 'receipt')[0];
  say(
    `  receipt from ${deviceId}: outcome ${receipt.message.body?.outcome}, signature ${receipt.verified ? 'verified' : 'NOT verified'}`,
  );
}
for (const { child } of devices) child.kill('SIGTERM');
await Promise.all(devices.map(({ child }) => new Promise((resolve) => child.once('exit', resolve))));
await system.close();
await broker.close();
say('\nDone. Next: `npm test`, the guides in docs/guides, and `npm run docs` for the API reference.');
