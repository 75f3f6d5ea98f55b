import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type BulletinChannel,
  BulletinError,
  type BulletinIssue,
  bulletinToCap,
  CapError,
  type CapPassthrough,
  type CapReference,
  capToBulletin,
  parseBulletinJson,
  serializeCap,
} from '@nguon/bulletin';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io';

async function readText(file: string, io: CliIo): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    io.stderr(`${file}: cannot read the file (${reason})\n`);
    throw new CliExit(1);
  }
}

/** Reads an XML file in the encoding its declaration names (UTF-8 when none), e.g. ISO-8859-1 feeds. */
async function readXml(file: string, io: CliIo): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(io.cwd, file));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    io.stderr(`${file}: cannot read the file (${reason})\n`);
    throw new CliExit(1);
  }
  const head = bytes.subarray(0, 200).toString('latin1');
  const label =
    /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    io.stderr(`${file}: unsupported XML encoding ${JSON.stringify(label)}\n`);
    throw new CliExit(1);
  }
}

function printProblems(io: CliIo, file: string, headline: string, issues: readonly BulletinIssue[]): void {
  io.stderr(`${file}: ${headline}\n`);
  for (const issue of issues) io.stderr(`${file}: ${issue.at}: ${issue.message}\n`);
}

/** Prints a CAP or bulletin error the way a person can act on it, then exits 1. Other errors go up. */
function fail(io: CliIo, file: string, error: unknown): never {
  if (CapError.isInstance(error)) {
    if (error.issues.length > 0 && error.code === 'cap_invalid')
      printProblems(
        io,
        file,
        `not valid CAP 1.2 (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):`,
        error.issues,
      );
    // The library speaks of options; on the command line they are flags.
    else io.stderr(`${file}: ${error.message.replace(/options\.(sender|references)/g, '--$1')}\n`);
    throw new CliExit(1);
  }
  if (BulletinError.isInstance(error)) {
    if (error.issues.length > 0)
      printProblems(
        io,
        file,
        `not a valid bulletin (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):`,
        error.issues,
      );
    else io.stderr(`${file}: ${error.message}\n`);
    throw new CliExit(1);
  }
  throw error;
}

function parseReferenceList(text: string, io: CliIo): CapReference[] {
  const refs: CapReference[] = [];
  for (const entry of text.trim().split(/\s+/)) {
    const [sender, identifier, sent, ...rest] = entry.split(',');
    if (!sender || !identifier || !sent || rest.length > 0) {
      io.stderr(
        `--references: expected "sender,identifier,sent" triples separated by spaces, found ${JSON.stringify(entry)}\n`,
      );
      throw new CliExit(1);
    }
    refs.push({ sender, identifier, sent });
  }
  return refs;
}

/**
 * Registers `nguon cap import FILE.xml` (CAP 1.2 XML → bulletin JSON on stdout) and
 * `nguon cap export FILE.json` (bulletin JSON → CAP 1.2 XML on stdout). Invalid input exits 1 with one
 * line per problem on stderr: `FILE: alert/info[0]/area[0]/polygon[0]: …` or `FILE: $.contents: …`.
 * The bulletin keeps what it has no field for in `extensions.cap`, so export gives the alert back
 * without flags; a native bulletin gets a sender derived from its issuer unless `--sender` is given.
 *
 * @example
 * ```sh
 * nguon cap import alert.xml > bulletin.json
 * nguon cap export bulletin.json > again.xml
 * ```
 */
export function registerCapCommands(program: Command, io: CliIo): void {
  const cap = program.command('cap').description('CAP 1.2 (Common Alerting Protocol) import and export');

  cap
    .command('import')
    .description(
      'read a CAP 1.2 alert and print the bulletin made from it as JSON; exit 1 when the CAP is invalid',
    )
    .argument('<file>', 'CAP 1.2 XML file')
    .option('--id <id>', 'bulletin id (default: made from the CAP identifier)')
    .option('--channels <list>', 'comma-separated channels of the bulletin', 'radio_ip,board')
    .option(
      '--units-at <date>',
      'date of the unit list that VN-GSO codes come from (default: the day it was sent)',
    )
    .option(
      '--keep <file>',
      'also write the CAP-only data (polygons, parameters…), which the bulletin carries in extensions.cap, to this JSON file',
    )
    .action(
      async (file: string, options: { id?: string; channels: string; unitsAt?: string; keep?: string }) => {
        const xml = await readXml(file, io);
        let imported: ReturnType<typeof capToBulletin>;
        try {
          imported = capToBulletin(xml, {
            ...(options.id ? { id: options.id } : {}),
            ...(options.unitsAt ? { unitsAt: options.unitsAt } : {}),
            channels: options.channels.split(',').map((c) => c.trim()) as BulletinChannel[],
          });
        } catch (error) {
          fail(io, file, error);
        }
        if (options.keep)
          await writeFile(resolve(io.cwd, options.keep), `${JSON.stringify(imported.cap, null, 2)}\n`);
        io.stdout(`${JSON.stringify(imported.bulletin, null, 2)}\n`);
        if (imported.issues.length > 0) {
          io.stderr(
            `${file}: imported as a ${imported.bulletin.status} bulletin that still needs work before it can be submitted:\n`,
          );
          for (const issue of imported.issues) io.stderr(`${file}: ${issue.at}: ${issue.message}\n`);
        }
      },
    );

  cap
    .command('export')
    .description('read a bulletin JSON file and print it as CAP 1.2 XML; exit 1 when the bulletin is invalid')
    .argument('<file>', 'bulletin JSON file')
    .option(
      '--sender <sender>',
      'CAP sender, e.g. the issuing office e-mail (default: the sender of an imported alert, else urn:nguon:unit:<issuer.unitCode>, else urn:nguon:issuer:<issuer name>)',
    )
    .option(
      '--keep <file>',
      'CAP-only data saved by "nguon cap import --keep", used instead of the bulletin\'s extensions.cap',
    )
    .option(
      '--references <triples>',
      'earlier messages an Update or Cancel refers to: "sender,identifier,sent …"',
    )
    .option(
      '--allow-incomplete',
      'export a bulletin that breaks cross-field rules (e.g. a revoked import with no Vietnamese content)',
    )
    .action(
      async (
        file: string,
        options: { sender?: string; keep?: string; references?: string; allowIncomplete?: boolean },
      ) => {
        const text = await readText(file, io);
        let keep: CapPassthrough | undefined;
        if (options.keep) {
          try {
            keep = JSON.parse(await readText(options.keep, io)) as CapPassthrough;
          } catch (error) {
            if (error instanceof CliExit) throw error;
            io.stderr(`${options.keep}: not JSON (${(error as Error).message})\n`);
            throw new CliExit(1);
          }
        }
        const references = options.references ? parseReferenceList(options.references, io) : undefined;
        let xml: string;
        try {
          // With --allow-incomplete, bulletinToCap checks shapes itself; parseBulletinJson would refuse the draft.
          const bulletin = options.allowIncomplete
            ? (JSON.parse(text) as Parameters<typeof bulletinToCap>[0])
            : parseBulletinJson(text, file);
          xml = serializeCap(
            bulletinToCap(bulletin, {
              ...(options.sender ? { sender: options.sender } : {}),
              ...(keep ? { cap: keep } : {}),
              ...(references ? { references } : {}),
              ...(options.allowIncomplete ? { allowIncomplete: true } : {}),
            }),
          );
        } catch (error) {
          if (error instanceof SyntaxError) {
            io.stderr(`${file}: not JSON (${error.message})\n`);
            throw new CliExit(1);
          }
          fail(io, file, error);
        }
        io.stdout(xml);
      },
    );
}
