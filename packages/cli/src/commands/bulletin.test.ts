import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleFloodWarning, examplePolicyNotice } from '@nguon/bulletin';
import { describe, expect, test } from 'vitest';
import { run } from '../test-helpers';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nguon-bulletin-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('nguon bulletin validate', () => {
  test('a valid bulletin prints an ok summary and exits 0', async () => {
    const flood = {
      ...exampleFloodWarning,
      targets: { units: { at: '2025-07-01', codes: ['24044', '24065'] } },
    };
    const cwd = dirWith({ 'flood.json': JSON.stringify(flood, null, 2) });
    const result = await run(['bulletin', 'validate', 'flood.json'], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `ok flood.json: bulletin ${exampleFloodWarning.id} v2: published, emergency, disaster_emergency, languages vi, jra, channels radio_ip, board\n`,
    );
  });

  test('every problem is printed with its JSON path, one per line, exit 1', async () => {
    const bad = {
      ...examplePolicyNotice,
      priority: 'urgent',
      schedule: { ...examplePolicyNotice.schedule, end: '2026-11-01T00:00:00Z' },
    };
    const cwd = dirWith({
      'bad.json': JSON.stringify(bad),
      'good.json': JSON.stringify(examplePolicyNotice),
    });
    const result = await run(['bulletin', 'validate', 'bad.json', 'good.json'], cwd);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bad\.json: \$\.priority: /);
    expect(lines[1]).toBe(
      'bad.json: $.schedule.end: expected end after start (2026-12-01T00:00:00+07:00), found 2026-11-01T00:00:00Z',
    );
    expect(lines[2]).toMatch(/^ok good\.json: /);
    expect(result.stderr).toBe('2 problems in 1 of 2 files\n');
  });

  test('unit codes are checked against the unit registry unless --no-units', async () => {
    const old = { ...examplePolicyNotice, targets: { units: { at: '2025-07-01', codes: ['23566'] } } };
    const cwd = dirWith({ 'old.json': JSON.stringify(old) });
    const checked = await run(['bulletin', 'validate', 'old.json'], cwd);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe(
      'old.json: $.targets.units.codes[0]: no unit with code "23566" on 2025-07-01: it was "Phường Hội Thương" 2024-09-01–2025-07-01\n',
    );
    const unchecked = await run(['bulletin', 'validate', '--no-units', 'old.json'], cwd);
    expect(unchecked.code).toBe(0);
  });

  test('invalid JSON gives the file, line and column', async () => {
    const cwd = dirWith({ 'broken.json': '{\n  "id": "x",\n  "version": 1,,\n}' });
    const result = await run(['bulletin', 'validate', 'broken.json'], cwd);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken\.json:3:16: not valid JSON/);
  });

  test('a missing file is reported, exit 1', async () => {
    const result = await run(['bulletin', 'validate', 'nope.json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('nope.json: cannot read the file (ENOENT)\n');
  });

  test('--json prints a machine-readable report', async () => {
    const cwd = dirWith({ 'b.json': JSON.stringify({ ...examplePolicyNotice, version: 0 }) });
    const result = await run(['bulletin', 'validate', '--json', 'b.json'], cwd);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toEqual([
      {
        file: 'b.json',
        ok: false,
        problems: [{ at: '$.version', code: 'too_small', message: expect.any(String) }],
      },
    ]);
  });
});

describe('nguon bulletin media', () => {
  test('prints a media reference with the sha256 and size of the file', async () => {
    const cwd = dirWith({ 'abc.mp3': 'abc' });
    const result = await run(
      ['bulletin', 'media', 'abc.mp3', '--url', 'https://media.example.vn/abc.mp3'],
      cwd,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      url: 'https://media.example.vn/abc.mp3',
      mime: 'audio/mpeg',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      size: 3,
    });
  });

  test('an unknown extension asks for --mime; a missing file is reported', async () => {
    const cwd = dirWith({ 'clip.xyz': 'x' });
    const unknown = await run(['bulletin', 'media', 'clip.xyz'], cwd);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('clip.xyz: unknown extension ".xyz"; give --mime (e.g. audio/mpeg)\n');
    const missing = await run(['bulletin', 'media', 'nope.mp3'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('nope.mp3: cannot read the file (ENOENT)\n');
  });
});
