// @nguon/sdk: the cost of a typed call over a bare fetch against the reference server, and the
// browser bundle size against ky alone. Run after
// `npx turbo run build --filter=@nguon/sdk --filter=@nguon/server`: node bench/sdk.bench.mjs
import { gzipSync } from 'node:zlib';
import { createClient } from '@nguon/sdk';
import { createServer, openDatabase } from '@nguon/server';
import { build } from 'esbuild';

const ADMIN = 'bench-bootstrap-admin-token-0001';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const db = await openDatabase({ file: ':memory:' });
const listening = await createServer({ db, adminToken: ADMIN }).listen(0);
const admin = createClient({ baseUrl: listening.url, token: ADMIN });
const { token } = await admin.tokens.create({ role: 'editor', units: ['52'], label: 'bench' });
const client = createClient({ baseUrl: listening.url, token, retry: 0 });
const draft = {
  category: 'policy',
  priority: 'normal',
  channels: ['radio_ip'],
  contents: [
    {
      lang: 'vi',
      title: 'Thông báo lịch tiêm chủng',
      text: 'Trạm y tế xã tổ chức tiêm chủng vào sáng thứ Bảy.',
    },
  ],
  targets: { units: { at: '2025-07-01', codes: ['24065'] } },
  schedule: { start: '2026-12-01T00:00:00+07:00', end: '2026-12-05T00:00:00+07:00' },
  issuer: { name: 'Ủy ban nhân dân xã Ia Rbol', unitCode: '24065' },
};
const ids = [];
for (let i = 0; i < 200; i++) ids.push((await client.bulletins.create(draft)).id);
const headers = { authorization: `Bearer ${token}` };

async function timeEach(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return median(samples);
}

// Interleave rounds so that both sides see the same machine noise.
const oursGet = [];
const bareGet = [];
const oursList = [];
const bareList = [];
for (let round = 0; round < 5; round++) {
  bareGet.push(
    await timeEach(200, async (i) => {
      const res = await fetch(`${listening.url}/v1/bulletins/${ids[i % ids.length]}`, { headers });
      if (!res.ok) throw new Error(String(res.status));
      await res.json();
    }),
  );
  oursGet.push(await timeEach(200, (i) => client.bulletins.get({ id: ids[i % ids.length] })));
  bareList.push(
    await timeEach(3, async () => {
      let cursor;
      let count = 0;
      do {
        const url = new URL('/v1/bulletins', listening.url);
        url.searchParams.set('limit', '20');
        if (cursor) url.searchParams.set('cursor', cursor);
        const page = await (await fetch(url, { headers })).json();
        count += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      if (count !== 200) throw new Error(`bare: ${count}`);
    }),
  );
  oursList.push(
    await timeEach(3, async () => {
      let count = 0;
      for await (const _ of client.bulletins.iterate({ limit: 20 })) count++;
      if (count !== 200) throw new Error(`ours: ${count}`);
    }),
  );
}
await listening.close();
await db.close();

const fmt = (ms) => `${ms.toFixed(3)} ms`;
const line = (name, ours, base, target) =>
  console.log(
    `${name}: ours ${ours}, baseline ${base}, ratio ${(Number.parseFloat(ours) / Number.parseFloat(base)).toFixed(2)} (target ${target})`,
  );
line(
  'sdk getBulletin per call (vs bare fetch + res.json)',
  fmt(median(oursGet)),
  fmt(median(bareGet)),
  'none set; overhead only',
);
line(
  'sdk iterate 200 bulletins, 10 pages (vs bare fetch loop)',
  fmt(median(oursList)),
  fmt(median(bareList)),
  'none set; overhead only',
);

async function gzipOf(contents) {
  const r = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(r.outputFiles[0].text, { level: 9 }).length;
}
const sdkBytes = await gzipOf("export * from '@nguon/sdk';");
const kyBytes = await gzipOf("export { default } from 'ky';");
console.log(
  `sdk browser bundle gzip: ours ${sdkBytes} B, baseline ky alone ${kyBytes} B, ratio ${(sdkBytes / kyBytes).toFixed(2)} (target ours ≤ 15360 B)`,
);
