// @nguon/radio: what the loudspeaker adds on top of the bare command-line tools, each against a
// baseline measured in the same run. Build first: npx turbo run build --filter=@nguon/radio
//   1. stop latency: abort of a playing MP3 → the play resolved and the decoder reaped (ours), vs a
//      bare spawn of the same mpg123 command killed with SIGKILL → 'close' (baseline). Target ≤ 200 ms.
//   2. TTS: EspeakTts.synthesize (spawn, write WAV, read its header) vs a bare espeak-ng spawn writing
//      the same WAV. Target ≤ 1.1×.
//   3. timing accuracy: a 2 s MP3 played through the null output (decoded in real time), ours vs its
//      duration. Target within 0.1 s.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandPlayer, EspeakTts, sineWav } from '@nguon/radio';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const dir = await mkdtemp(join(tmpdir(), 'nguon-radio-bench-'));
const run = (cmd, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });

try {
  const mp3 = join(dir, 'tone.mp3');
  const long = join(dir, 'long.mp3');
  for (const [path, seconds] of [
    [mp3, 2],
    [long, 30],
  ]) {
    const wav = `${path}.wav`;
    await writeFile(wav, sineWav({ seconds }));
    await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', wav, '-b:a', '32k', path]);
  }
  const player = await CommandPlayer.detect({ programs: ['mpg123'], output: 'null' });

  // 1. Stop latency.
  const ours = [];
  const bare = [];
  for (let round = 0; round < 9; round++) {
    const controller = new AbortController();
    const playing = player.play({ path: long }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    let t = performance.now();
    controller.abort();
    await playing;
    ours.push(performance.now() - t);

    // The bare decoder's output is not read, so it blocks on the full pipe and is still running.
    const child = spawn('mpg123', ['-w', '-', long], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    const closed = new Promise((r) => child.on('close', r));
    await new Promise((r) => setTimeout(r, 300));
    t = performance.now();
    process.kill(-child.pid, 'SIGKILL');
    child.stdout.destroy();
    await closed;
    bare.push(performance.now() - t);
  }
  const stopOurs = median(ours);
  const stopBare = median(bare);
  console.log(
    `radio stop latency: ours ${stopOurs.toFixed(1)} ms, baseline ${stopBare.toFixed(1)} ms, ratio ${(stopOurs / stopBare).toFixed(2)} (target ≤ 200 ms)`,
  );

  // 2. TTS.
  const tts = await EspeakTts.detect();
  const text =
    'Thông báo: ngày mai trạm y tế xã tổ chức tiêm chủng cho trẻ em dưới năm tuổi, đề nghị bà con đưa trẻ đến đúng giờ.';
  const ttsOurs = [];
  const ttsBare = [];
  let speechSec = 0;
  for (let round = 0; round < 7; round++) {
    let t = performance.now();
    speechSec = (await tts.synthesize(text, join(dir, 'ours.wav'), { lang: 'vi' })).durationSec;
    ttsOurs.push(performance.now() - t);
    t = performance.now();
    await run('espeak-ng', ['-v', 'vi', '-s', '160', '-b', '1', '-w', join(dir, 'bare.wav'), text]);
    ttsBare.push(performance.now() - t);
  }
  const a = median(ttsOurs);
  const b = median(ttsBare);
  console.log(
    `radio tts (${speechSec.toFixed(1)} s of Vietnamese speech): ours ${a.toFixed(1)} ms, baseline ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)} (target ≤ 1.1)`,
  );

  // 3. Timing accuracy of the null output.
  const plays = [];
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    await player.play({ path: mp3 });
    plays.push((performance.now() - t) / 1000);
  }
  const took = median(plays);
  console.log(
    `radio null-output timing (2 s MP3 via mpg123): ours ${took.toFixed(3)} s, baseline 2.000 s (media duration), ratio ${(took / 2).toFixed(3)} (target within 0.1 s)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
