import { AreasError, loadUnits, type Unit, type UnitLevel, type UnitMapping } from '@nguon/areas';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io';

const LEVELS: readonly string[] = ['province', 'district', 'commune'];

/** Today's calendar day on this machine, the default of `--at`. */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...row[column]!].length)));
  return `${rows
    .map((row) =>
      row
        .map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function period(unit: { validFrom: string; validTo: string | null }): string {
  return `${unit.validFrom} → ${unit.validTo ?? ''}`.trimEnd();
}

function unitRow(unit: Unit): Record<string, unknown> {
  return {
    code: unit.code,
    name: unit.name,
    level: unit.level,
    type: unit.type,
    parent: unit.parent,
    validFrom: unit.validFrom,
    validTo: unit.validTo,
  };
}

function unitTable(units: readonly Unit[], extra?: { title: string; values: string[] }): string {
  const header = ['code', 'name', 'type', 'parent', 'valid', ...(extra ? [extra.title] : [])];
  return table([
    header,
    ...units.map((u, i) => [
      u.code,
      u.name,
      u.type,
      u.parent ?? '',
      period(u),
      ...(extra ? [extra.values[i]!] : []),
    ]),
  ]);
}

function level(value: string | undefined, io: CliIo): UnitLevel | undefined {
  if (value === undefined) return undefined;
  if (!LEVELS.includes(value)) {
    io.stderr(`nguon units: --level must be one of ${LEVELS.join(', ')}, found "${value}"\n`);
    throw new CliExit(1);
  }
  return value as UnitLevel;
}

/** Runs `action`, turning an `AreasError` into a one-line message and exit code 1. */
function guarded(io: CliIo, action: () => void): void {
  try {
    action();
  } catch (error) {
    if (AreasError.isInstance(error)) {
      io.stderr(`nguon units: ${error.message}\n`);
      throw new CliExit(1);
    }
    throw error;
  }
}

/**
 * Registers the `nguon units` commands: `list`, `find` and `map` over the administrative units of
 * `@nguon/areas`. `--at` defaults to today on this machine.
 *
 * @example
 * ```sh
 * nguon units list --at 2024-09-01 --parent 64
 * nguon units find "Đak Đoa" --at 2024-09-01 --json
 * nguon units map 64 --from 2024-09-01 --to 2025-07-01
 * ```
 */
export function registerUnitCommands(program: Command, io: CliIo): void {
  const units = program
    .command('units')
    .description('administrative units (đơn vị hành chính): list, find by name, map across reorganisations');

  units
    .command('list')
    .description('list the units in force on a day: provinces, or the children of --parent')
    .option('--at <date>', 'day, YYYY-MM-DD (default: today)')
    .option('--parent <code>', 'list the direct children of this unit')
    .option('--level <level>', 'list every unit of this level (province, district, commune)')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { at?: string; parent?: string; level?: string; json?: boolean }) => {
      guarded(io, () => {
        const registry = loadUnits();
        const at = opts.at ?? today();
        const wanted = level(opts.level, io);
        let list: Unit[];
        if (opts.parent !== undefined) {
          registry.require(opts.parent, at);
          list = registry.unitsAt(at, { parent: opts.parent, ...(wanted ? { level: wanted } : {}) });
        } else {
          list = registry.unitsAt(at, { level: wanted ?? 'province' });
        }
        if (opts.json) io.stdout(`${JSON.stringify(list.map(unitRow), null, 2)}\n`);
        else io.stdout(`${unitTable(list)}${list.length} units on ${at}\n`);
      });
    });

  units
    .command('find')
    .description('find units by name, with or without diacritics or a type word (Huyện, Xã, TP. …)')
    .argument('<name>', 'name as written, e.g. "Đak Đoa", "tp Pleiku", "K\'Bang"')
    .option('--at <date>', 'day, YYYY-MM-DD (default: today)')
    .option('--all', 'search every version since 2024-09-01 instead of one day')
    .option('--level <level>', 'only this level (province, district, commune)')
    .option('--within <code>', 'only units inside this unit')
    .option('--limit <n>', 'most results', '10')
    .option('--json', 'print JSON instead of a table')
    .action(
      (
        name: string,
        opts: { at?: string; all?: boolean; level?: string; within?: string; limit: string; json?: boolean },
      ) => {
        guarded(io, () => {
          if (opts.all && opts.at !== undefined) {
            io.stderr('nguon units: use either --at DATE or --all, not both\n');
            throw new CliExit(1);
          }
          const limit = Number(opts.limit);
          if (!Number.isInteger(limit) || limit < 1) {
            io.stderr(`nguon units: --limit must be a positive whole number, found "${opts.limit}"\n`);
            throw new CliExit(1);
          }
          const wanted = level(opts.level, io);
          const matches = loadUnits().search(name, {
            ...(opts.all ? {} : { at: opts.at ?? today() }),
            ...(wanted ? { level: wanted } : {}),
            ...(opts.within !== undefined ? { within: opts.within } : {}),
            limit,
          });
          if (opts.json) {
            const rows = matches.map((m) => ({ ...unitRow(m.unit), score: m.score, exact: m.exact }));
            io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
          }
          // Like grep: no match is exit status 1, also with --json (which still prints []).
          if (matches.length === 0) {
            io.stderr(
              `nguon units: no unit matches "${name}"${opts.all ? '' : ` on ${opts.at ?? today()}`}\n`,
            );
            throw new CliExit(1);
          }
          if (opts.json) return;
          io.stdout(
            unitTable(
              matches.map((m) => m.unit),
              {
                title: 'match',
                values: matches.map((m) => `${m.exact ? 'exact' : 'near'} ${m.score.toFixed(2)}`),
              },
            ),
          );
        });
      },
    );

  units
    .command('map')
    .description('map a unit to the units covering it on another day (old → new, or new → old)')
    .argument('<code>', 'unit code in force on --from')
    .requiredOption('--from <date>', 'day the code is in force, YYYY-MM-DD')
    .requiredOption('--to <date>', 'day to map to, YYYY-MM-DD (earlier than --from maps back in time)')
    .option('--json', 'print JSON instead of a table')
    .action((code: string, opts: { from: string; to: string; json?: boolean }) => {
      guarded(io, () => {
        const report = loadUnits().explainMapping(code, { from: opts.from, to: opts.to });
        const rows = report.mappings.map((m: UnitMapping) => ({
          code: m.code,
          name: m.name,
          level: m.level,
          parent: m.parent,
          type: m.type,
          validFrom: m.validFrom,
          validTo: m.validTo,
          ...(m.via ? { via: m.via } : {}),
        }));
        if (opts.json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        else {
          const arrow = report.direction === 'forward' ? '→' : '←';
          io.stdout(`${report.unit.code} ${report.unit.name} (${opts.from}) ${arrow} ${opts.to}\n`);
          if (rows.length > 0) {
            io.stdout(
              table([
                ['code', 'name', 'share', 'parent', 'valid'],
                ...report.mappings.map((m) => [m.code, m.name, m.type, m.parent ?? '', period(m)]),
              ]),
            );
          }
          if (report.via === 'communes') io.stdout(`(mapped through its communes)\n`);
        }
        for (const lost of report.unmapped) {
          io.stderr(
            `note: ${lost.code} ${lost.name} (${period(lost)}) has no recorded ${report.direction === 'forward' ? 'successor' : 'predecessor'}; the sources do not say where it went\n`,
          );
        }
      });
    });
}
