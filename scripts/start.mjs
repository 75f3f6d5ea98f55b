// `npm start`: builds the packages, shows a few `nguon` commands, then runs the reference source
// system (`nguon dev --seed gia-lai`) with three simulated loudspeakers (`nguon device run`) and
// publishes a sample emergency bulletin through the REST API, so that delivery and proof of play
// show up in the log. It keeps running (API reference at /docs) until Ctrl+C;
// NGUON_START_ONCE=1 makes it stop after the report, PORT chooses the HTTP port (default 8080).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const work = mkdtempSync(join(tmpdir(), 'nguon-start-'));
const once = process.env.NGUON_START_ONCE === '1';
const httpPort = process.env.PORT ?? '8080';
const say = (text) => process.stdout.write(`${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();

/** Runs a `nguon` command and shows its first lines. */
function nguon(args, lines = 6) {
  say(`\n$ nguon ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });
  const out = `${result.stdout}${result.stderr}`.trimEnd().split('\n');
  say(out.slice(0, lines).join('\n') + (out.length > lines ? `\n… (${out.length - lines} more lines)` : ''));
  return result;
}

say('Building the packages (turbo caches what has not changed)…');
const build = spawnSync(
  'npx',
  ['turbo', 'run', 'build', '--filter=@nguon/cli...', '--filter=@nguon/sdk...', '--output-logs=errors-only'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const { exampleFloodWarning } = await import('@nguon/bulletin');
const { createClient } = await import('@nguon/sdk');
const { runConfigFromRegistration } = await import('@nguon/device');

// ── 1. The command line ───────────────────────────────────────────────────────────────────────
say('\n=== 1. The nguon command: units, bulletins, CAP 1.2, the Gia Lai plan ===');
nguon(['units', 'find', 'Ia Rbol']);
// The sample emergency, moved to now and text only (the loudspeakers read it aloud).
const shift = Date.now() - 60_000 - Date.parse(exampleFloodWarning.schedule.start);
const moved = (time) => (time === undefined ? undefined : new Date(Date.parse(time) + shift).toISOString());
const communes = [
  { code: '24044', name: 'Phường Ayun Pa' },
  { code: '24065', name: 'Xã Ia Rbol' },
  { code: '23638', name: 'Xã Kbang' },
];
const sample = {
  ...exampleFloodWarning,
  contents: exampleFloodWarning.contents.map(({ audio, images, video, ...text }) => text),
  schedule: {
    ...exampleFloodWarning.schedule,
    start: moved(exampleFloodWarning.schedule.start),
    end: moved(exampleFloodWarning.schedule.end),
  },
};
writeFileSync(join(work, 'bulletin.json'), JSON.stringify(sample, null, 2));
nguon(['bulletin', 'validate', 'bulletin.json'], 3);
const cap = nguon(['cap', 'export', 'bulletin.json', '--sender', 'demo@nguon.invalid'], 4);
writeFileSync(join(work, 'alert.xml'), cap.stdout);
nguon(['cap', 'import', 'alert.xml'], 4);
nguon(['indicators', 'validate', 'gia-lai-2024'], 4);
say('(exit code 1: nguon recomputes every rate of Plan 1055 and lists the ones misprinted in it)');

// ── 2. The source system, three loudspeakers, one emergency bulletin ──────────────────────────
say('\n=== 2. nguon dev: the source system of Gia Lai, three loudspeakers, one emergency bulletin ===');
const children = [];
/** Stops the devices, then the system (SIGTERM each, wait for it) and removes the scratch files. */
async function stopAll() {
  for (const child of children.slice().reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  rmSync(work, { recursive: true, force: true });
}

// The demo keeps its data in a scratch SQLite file, even where DATABASE_URL is set.
const { DATABASE_URL: _database, ...env } = process.env;
const system = spawn(
  process.execPath,
  [
    bin,
    'dev',
    '--seed',
    'gia-lai',
    '--port',
    httpPort,
    '--mqtt-port',
    '0',
    '--ws-port',
    '0',
    '--data',
    join(work, 'system'),
    '--log-level',
    'warn',
  ],
  { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] },
);
children.push(system);
let systemErr = '';
system.stderr.setEncoding('utf8').on('data', (chunk) => {
  systemErr += chunk;
  for (const line of chunk.split('\n').filter(Boolean)) {
    if (!line.startsWith('{')) {
      say(`  [system] ${line}`);
      continue;
    }
    const log = JSON.parse(line);
    say(`  [system] ${log.level >= 50 ? 'error' : 'warning'}: ${log.msg}`);
  }
});
const ready = await new Promise((resolve) => {
  let out = '';
  system.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
    if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
  });
  system.once('exit', () => resolve(undefined));
});
if (ready === undefined) {
  if (/HTTP port \S+ on \S+ is busy/.test(systemErr)) {
    say(
      `\nPort ${httpPort} is taken by another program. Run \`PORT=0 npm start\` (any free port) or \`PORT=9090 npm start\`.`,
    );
  }
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

try {
  const admin = createClient({ baseUrl: ready.http, token: ready.adminToken });
  const tokenFor = async (role) =>
    (await admin.tokens.create({ role, units: ['52'], label: `npm start ${role}` })).token;
  const editor = createClient({ baseUrl: ready.http, token: await tokenFor('editor') });
  const approver = createClient({ baseUrl: ready.http, token: await tokenFor('approver') });
  const operator = createClient({ baseUrl: ready.http, token: await tokenFor('operator') });
  say('Tokens for an editor, an approver and an operator of province 52 created with the admin token.');

  // Register three loudspeakers and run each with `nguon device run`.
  say('Registering three loudspeakers with the operator token and starting them (nguon device run)…');
  const devices = [];
  for (const [index, commune] of communes.entries()) {
    const id = `loa-${commune.code}-00${index + 1}`;
    const keys = JSON.parse(
      spawnSync(process.execPath, [bin, 'keys', 'generate', '--kid', id], { encoding: 'utf8' }).stdout,
    );
    const registered = await operator.devices.register({
      id,
      kind: 'radio',
      units: [commune.code],
      vendor: 'nguon',
      model: 'reference loudspeaker',
      publicKey: keys.publicKey,
    });
    // What `nguon device config --registration … --key …` writes, done here in code.
    const config = runConfigFromRegistration(registered, {
      kind: 'radio',
      units: [commune.code],
      privateKey: keys.privateKey,
      player: 'null',
    });
    const file = join(work, `${id}.json`);
    writeFileSync(file, JSON.stringify(config, null, 2));
    const child = spawn(process.execPath, [bin, 'device', 'run', '--config', file], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const tag = `  [${id} · ${commune.name}]`;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const text = summarize(JSON.parse(line));
        if (text !== undefined) say(`${tag} ${text}`);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      for (const line of chunk.split('\n').filter(Boolean)) say(`${tag} ${line}`);
    });
    devices.push({ id, commune });
  }
  say(`Waiting until ${devices.map((d) => d.id).join(', ')} are online (GET /v1/devices)…`);
  await waitFor('the devices to come online', 30_000, async () => {
    const { items } = await operator.devices.list({ limit: 50 });
    return devices.every((d) => items.some((item) => item.id === d.id && item.presence.online));
  });

  // The sample as a new draft, aimed at the three communes of the loudspeakers.
  const draft = {
    category: sample.category,
    priority: sample.priority,
    channels: sample.channels,
    contents: sample.contents,
    targets: { units: { at: new Date().toISOString().slice(0, 10), codes: communes.map((c) => c.code) } },
    schedule: sample.schedule,
    issuer: sample.issuer,
  };
  // The emergency fast path: an approver publishes the editor's draft with approval in one step.
  const bulletin = await editor.bulletins.create(draft);
  const publishedAt = Date.now();
  await approver.publishBulletin({
    params: { id: bulletin.id },
    body: { approve: true, note: 'Khẩn cấp: lũ trên sông Ba' },
  });
  say(
    `\nPublished "${draft.contents[0].title}" (${bulletin.id}) to ${communes.length} communes; waiting for proof of play…`,
  );
  let delivery;
  await waitFor('every device to acknowledge and play the bulletin', 90_000, async () => {
    delivery = await admin.bulletins.getDelivery({ id: bulletin.id });
    if (delivery.failed > 0) throw new Error(`delivery failed: ${JSON.stringify(delivery.devices)}`);
    return delivery.targeted === devices.length && delivery.played === devices.length;
  });

  const after = (time) =>
    time === undefined ? '—' : `${((Date.parse(time) - publishedAt) / 1000).toFixed(1)} s`;
  say(
    `\nDelivery of ${bulletin.id}: ${delivery.acked}/${delivery.targeted} acknowledged, ${delivery.played}/${delivery.targeted} played`,
  );
  say(
    `  ${'device'.padEnd(16)} ${'commune'.padEnd(15)} ${'state'.padEnd(7)} ${'acked'.padEnd(7)} ${'played'.padEnd(7)} outcome`,
  );
  for (const d of delivery.devices) {
    const commune = devices.find((x) => x.id === d.deviceId)?.commune.name ?? '';
    say(
      `  ${d.deviceId.padEnd(16)} ${commune.padEnd(15)} ${d.state.padEnd(7)} ${after(d.ackedAt).padEnd(7)} ${after(d.playedAt).padEnd(7)} ${d.outcome ?? ''}`,
    );
  }
  const report = await admin.reports.getBroadcast({
    from: new Date(publishedAt - 3_600_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
    unit: '52',
  });
  say('\nBroadcast report (verified receipts only):');
  say(
    `  ${'unit'.padEnd(6)} ${'plays'.padStart(5)} ${'minutes'.padStart(8)} ${'bulletins'.padStart(9)} devices`,
  );
  for (const u of [...report.units, { unitCode: 'total', ...report.totals }]) {
    say(
      `  ${u.unitCode.padEnd(6)} ${String(u.plays).padStart(5)} ${u.minutesOnAir.toFixed(2).padStart(8)} ${String(u.bulletins).padStart(9)} ${u.devicesReporting}`,
    );
  }
  say(`\nAPI reference: ${ready.http}/docs`);
  say(`Admin token:   ${ready.adminToken}`);
  say(`(${((Date.now() - started) / 1000).toFixed(1)} s since npm start)`);
  if (!once) {
    say('The system and the loudspeakers keep running; Ctrl+C stops them.');
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    say('\nStopping the loudspeakers and the system…');
  }
} catch (error) {
  say(`\nnpm start: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
}
await stopAll();
say('Stopped. Next: `npm test`, the guides in docs/guides, and `npm run docs` for the API reference.');

/** One line for the device events worth showing; undefined for the rest. */
function summarize(event) {
  switch (event.type) {
    case 'welcome':
      return `online (clock offset ${event.clockOffsetMs} ms, trust version ${event.trustVersion})`;
    case 'command':
      return event.bulletinId === undefined
        ? undefined
        : `received ${event.commandType} ${event.bulletinId}: ${event.ok ? 'signature verified, accepted' : `refused (${event.code})`}`;
    case 'play.start':
      return `playing (${event.lang}, ${event.priority})`;
    case 'play.end':
      return `played (${event.lang}): ${event.outcome}`;
    case 'receipt':
      return event.sent ? `signed receipt #${event.seq} sent (${event.outcome ?? 'status'})` : undefined;
    case 'alarm':
    case 'error':
      return `${event.type}: ${event.code ?? ''} ${event.message ?? ''}`.trim();
    case 'stopped':
      return 'stopped';
    default:
      return undefined;
  }
}

/** Polls `check` every 250 ms until it answers true; throws after `ms`. */
async function waitFor(what, ms, check) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}
