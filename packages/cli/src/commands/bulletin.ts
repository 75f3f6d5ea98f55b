import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { loadUnits } from '@nguon/areas';
import {
  type Bulletin,
  BulletinError,
  type BulletinIssue,
  type ParseBulletinOptions,
  parseBulletinJson,
  sha256Media,
} from '@nguon/bulletin';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io';

type FileResult =
  | { file: string; ok: true; bulletin: Bulletin }
  | { file: string; ok: false; problems: BulletinIssue[] };

async function validateFile(file: string, io: CliIo, options: ParseBulletinOptions): Promise<FileResult> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const message = `${file}: cannot read the file (${reason})`;
    return { file, ok: false, problems: [{ path: [], at: '$', code: 'unreadable', message }] };
  }
  try {
    return { file, ok: true, bulletin: parseBulletinJson(text, file, options) };
  } catch (error) {
    if (!BulletinError.isInstance(error)) throw error;
    if (error.code === 'invalid_json') {
      return {
        file,
        ok: false,
        problems: [{ path: [], at: '$', code: 'invalid_json', message: error.message }],
      };
    }
    return { file, ok: false, problems: [...error.issues] };
  }
}

/** File-level problems (unreadable, bad JSON) carry their own location; the others get `FILE: $.path:`. */
function problemLine(file: string, problem: BulletinIssue): string {
  return problem.code === 'unreadable' || problem.code === 'invalid_json'
    ? problem.message
    : `${file}: ${problem.at}: ${problem.message}`;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

function summary(b: Bulletin): string {
  const langs = b.contents.map((c) => c.lang).join(', ');
  return `bulletin ${b.id} v${b.version}: ${b.status}, ${b.priority}, ${b.category}, languages ${langs}, channels ${b.channels.join(', ')}`;
}

/**
 * Registers `nguon bulletin validate FILE…`: checks bulletin JSON files against the schema. Prints
 * `ok FILE: …` per valid file on stdout; for an invalid one prints every problem as
 * `FILE: $.json.path: message`, one per line, on stdout, and exits 1. `--json` prints one JSON report.
 * Unit codes are checked against `@nguon/areas` unless `--no-units` is given. Also registers
 * `nguon bulletin media FILE [--url URL]`, which prints a media reference with the file's sha256 and size
 * (add `durationSec` yourself for audio and video).
 *
 * @example
 * ```sh
 * nguon bulletin validate flood.json
 * ```
 */
export function registerBulletinCommands(program: Command, io: CliIo): void {
  const bulletin = program
    .command('bulletin')
    .description('essential-information bulletins (bản tin thông tin thiết yếu)');
  bulletin
    .command('validate')
    .description('check bulletin JSON files against the bulletin schema; exit 1 when any has a problem')
    .argument('<files...>', 'bulletin JSON files')
    .option('--json', 'print a JSON report instead of lines')
    .option('--no-units', 'do not check unit codes against the administrative-unit registry')
    .action(async (files: string[], options: { json?: boolean; units: boolean }) => {
      const parseOptions: ParseBulletinOptions = options.units ? { units: loadUnits() } : {};
      const results: FileResult[] = [];
      for (const file of files) results.push(await validateFile(file, io, parseOptions));
      const failed = results.filter((r) => !r.ok);
      if (options.json) {
        const report = results.map((r) =>
          r.ok
            ? { file: r.file, ok: true, id: r.bulletin.id, version: r.bulletin.version }
            : {
                file: r.file,
                ok: false,
                problems: r.problems.map(({ at, code, message }) => ({ at, code, message })),
              },
        );
        io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        for (const r of results) {
          if (r.ok) io.stdout(`ok ${r.file}: ${summary(r.bulletin)}\n`);
          else for (const p of r.problems) io.stdout(`${problemLine(r.file, p)}\n`);
        }
        if (failed.length > 0) {
          const count = failed.reduce((n, r) => n + (r.ok ? 0 : r.problems.length), 0);
          io.stderr(
            `${count} problem${count === 1 ? '' : 's'} in ${failed.length} of ${results.length} file${results.length === 1 ? '' : 's'}\n`,
          );
        }
      }
      if (failed.length > 0) throw new CliExit(1);
    });

  bulletin
    .command('media')
    .description('print a media reference {url, mime, sha256, size} for a file, hashing it as it streams')
    .argument('<file>', 'audio, image or video file')
    .option('--url <url>', 'the URL the file will be served from')
    .option('--mime <type>', 'MIME type (default: from the file extension)')
    .action(async (file: string, options: { url?: string; mime?: string }) => {
      const mime = options.mime ?? MIME_BY_EXTENSION[extname(file).toLowerCase()];
      if (mime === undefined) {
        io.stderr(`${file}: unknown extension "${extname(file)}"; give --mime (e.g. audio/mpeg)\n`);
        throw new CliExit(1);
      }
      let digest: { sha256: string; size: number };
      try {
        digest = await sha256Media(createReadStream(resolve(io.cwd, file)));
      } catch (error) {
        const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
        io.stderr(`${file}: cannot read the file (${cause?.code ?? (error as Error).message})\n`);
        throw new CliExit(1);
      }
      const ref = { ...(options.url ? { url: options.url } : {}), mime, ...digest };
      io.stdout(`${JSON.stringify(ref, null, 2)}\n`);
    });
}
