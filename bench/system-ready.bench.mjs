// Ready after start (DESIGN.md: "ready ≤ 1 s after start"): a fresh Node process imports
// @nguon/server and calls startSystem (SQLite in an empty directory, so every migration runs; the
// embedded broker; every port 0); the time runs from the spawn until GET /health answers 200. The
// baseline is a fresh Node process that starts a bare node:http server and answers the same request,
// so that Node's own start-up is not counted against us. Run after
// `npx turbo run build --filter=@nguon/server...`: node bench/system-ready.bench.mjs   (RUNS=7)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.RUNS ?? 7);
const TARGET_MS = 1000;
const here = fileURLToPath(new URL('.', import.meta.url));

// Each child prints its HTTP base URL on its first stdout line once it listens.
const SYSTEM = `
import { startSystem } from '@nguon/server';
const system = await startSystem({ dataDir: process.argv[1], httpPort: 0, mqttPort: 0, wsPort: 0 });
process.stdout.write(system.http + ' ' + Math.round(system.startupMs) + '\\n');`;
const BARE = `
import { createServer } from 'node:http';
const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
server.listen(0, '127.0.0.1', () => process.stdout.write('http://127.0.0.1:' + server.address().port + ' 0\\n'));`;

async function readyMs(source) {
  const dir = mkdtempSync(join(tmpdir(), 'nguon-ready-bench-'));
  const start = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', source, dir], {
    cwd: here,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`child exited with ${code} before listening`)));
    });
    const [url, inside] = line.split(' ');
    const res = await fetch(`${url}/health`);
    await res.text();
    if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
    return { ms: performance.now() - start, startupMs: Number(inside) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
// One untimed round each fills the file cache.
await readyMs(BARE);
await readyMs(SYSTEM);
const ours = [];
const bare = [];
const inside = [];
for (let run = 1; run <= RUNS; run++) {
  const b = await readyMs(BARE);
  const s = await readyMs(SYSTEM);
  bare.push(b.ms);
  ours.push(s.ms);
  inside.push(s.startupMs);
  console.log(
    `  run ${run}: ours ${s.ms.toFixed(0)} ms (startSystem itself ${s.startupMs} ms), bare node:http ${b.ms.toFixed(0)} ms, load ${loadavg()[0].toFixed(2)}`,
  );
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [o, b, i] = [median(ours), median(bare), median(inside)];
console.log(
  `ready (spawn → /health 200): ours ${o.toFixed(0)} ms (range ${Math.min(...ours).toFixed(0)}–${Math.max(...ours).toFixed(0)}; startSystem ${i} ms of it), bare node:http ${b.toFixed(0)} ms, ratio ${(o / b).toFixed(1)}× (medians of ${RUNS}; target ours ≤ ${TARGET_MS} ms: ${o <= TARGET_MS ? 'met' : 'MISSED'})`,
);
