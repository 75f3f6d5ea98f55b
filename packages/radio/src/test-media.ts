import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sineWav } from './wav';

/** Test support (not exported by the package): real media made on the spot, served over HTTP. */

/** A temporary directory removed by `remove()`. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nguon-radio-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a sine WAV of `seconds` into `dir` and returns its path. */
export async function writeSineWav(
  dir: string,
  name: string,
  seconds: number,
  frequency = 440,
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, sineWav({ seconds, frequency }));
  return path;
}

/** Runs ffmpeg (quietly) and throws with its message on failure. */
export function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`)),
    );
  });
}

/** Encodes a sine tone of `seconds` to a constant-bitrate MP3 (no ID3 tag, so copies can be concatenated). */
export async function writeSineMp3(
  dir: string,
  name: string,
  seconds: number,
  frequency = 440,
): Promise<string> {
  const wav = await writeSineWav(dir, `${name}.src.wav`, seconds, frequency);
  const path = join(dir, name);
  await ffmpeg([
    '-i',
    wav,
    '-codec:a',
    'libmp3lame',
    '-b:a',
    '32k',
    '-id3v2_version',
    '0',
    '-write_xing',
    '0',
    path,
  ]);
  return path;
}

/** True when a process with this id exists (a zombie counts: it has not been reaped). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Processes (with their state) whose process group is `pgid`, from `ps`. */
export function processGroup(pgid: number): string[] {
  const out = spawnSync('ps', ['-eo', 'pgid=,pid=,stat=,comm='], { encoding: 'utf8' }).stdout ?? '';
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.split(/\s+/)[0] === String(pgid));
}

/** An HTTP server on 127.0.0.1, port 0. */
export async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An endless Icecast-like MP3 stream: the file's bytes looped at 32 kbit/s (1000 bytes every 250 ms,
 * after a 2000-byte head start), with the ICY headers an Icecast server sends.
 */
export function serveIcecast(mp3: Uint8Array): ReturnType<typeof serve> {
  return serve((req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'icy-name': 'Dai truyen thanh xa', 'icy-br': '32' });
    let at = 0;
    const send = () => {
      const chunk = Buffer.alloc(1000);
      for (let i = 0; i < 1000; i++) chunk[i] = mp3[(at + i) % mp3.length] as number;
      at += 1000;
      res.write(chunk);
    };
    send();
    send();
    const timer = setInterval(send, 250);
    req.on('close', () => clearInterval(timer));
  });
}
