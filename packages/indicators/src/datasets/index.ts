import { IndicatorsError } from '../errors';
import { type Dataset, parseDataset } from '../model';
import giaLai2024 from './gia-lai-2024.json';

const builtIn: Record<string, unknown> = { 'gia-lai-2024': giaLai2024 };
const cache = new Map<string, Dataset>();

/**
 * Ids of the datasets shipped with the package.
 *
 * @example
 * ```ts
 * listDatasets(); // ['gia-lai-2024']
 * ```
 */
export function listDatasets(): string[] {
  return Object.keys(builtIn);
}

/**
 * A dataset shipped with the package, parsed and checked by {@link parseDataset}. Throws
 * `unknown_dataset` for an unknown id. The same object is returned on every call: do not mutate it.
 *
 * `gia-lai-2024` is the appendix of Gia Lai plan 1055/KH-UBND (06/5/2024): 9 indicators, targets
 * for 2021–2025 for the province and its 17 districts (unit codes valid on 2024-09-01).
 *
 * @example
 * ```ts
 * const plan = getDataset('gia-lai-2024');
 * plan.targets.filter((t) => t.year === 2024 && t.unitCode === '64');
 * ```
 */
export function getDataset(id: string): Dataset {
  const cached = cache.get(id);
  if (cached) return cached;
  const raw = builtIn[id];
  if (raw === undefined) {
    throw new IndicatorsError(
      'unknown_dataset',
      `expected a dataset id among ${listDatasets()
        .map((d) => `"${d}"`)
        .join(', ')}, found "${id}"`,
    );
  }
  const parsed = parseDataset(raw);
  cache.set(id, parsed);
  return parsed;
}
