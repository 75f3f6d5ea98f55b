import { loadUnits } from '@nguon/areas';
import { TestkitError } from './errors';

/**
 * Where one simulated device stands: its commune (or ward) and the units it subscribes to
 * besides the province (the commune, and its district where that level exists on the day).
 *
 * @example
 * ```ts
 * const m: Membership = { commune: '23674', units: ['23674', '625'] };
 * ```
 */
export interface Membership {
  /** 5-digit commune or ward code. */
  commune: string;
  /** Unit codes the device lies in, commune first, without the province (the device adds it). */
  units: string[];
}

/**
 * The communes of a province on a day (from `@nguon/areas`), each with the units a device there
 * lies in. Throws `TestkitError` `invalid_option` for a province unknown on that day.
 *
 * @example
 * ```ts
 * provinceMemberships('52', '2025-07-01').length; // 135 communes and wards of the new Gia Lai
 * provinceMemberships('64', '2024-09-01')[0]; // { commune: '23563', units: ['23563', '622'] }
 * ```
 */
export function provinceMemberships(province: string, at: string): Membership[] {
  const units = loadUnits();
  let communes: ReturnType<typeof units.descendants>;
  try {
    communes = units.descendants(province, at, { level: 'commune' });
  } catch (cause) {
    throw new TestkitError(
      'invalid_option',
      `province "${province}" on ${at}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (communes.length === 0) {
    throw new TestkitError('invalid_option', `province "${province}" has no communes on ${at}`);
  }
  return communes.map((c) => ({
    commune: c.code,
    units: [
      c.code,
      ...units
        .ancestors(c.code, at)
        .filter((u) => u.level === 'district')
        .map((u) => u.code),
    ],
  }));
}

/**
 * Spreads `count` devices round-robin over the communes of a province: device `i` stands in
 * commune `i mod communes`.
 *
 * @example
 * ```ts
 * spreadOverCommunes('52', 10_000, '2025-07-01')[134]?.commune; // the 135th commune
 * ```
 */
export function spreadOverCommunes(province: string, count: number, at: string): Membership[] {
  const all = provinceMemberships(province, at);
  return Array.from({ length: count }, (_, i) => all[i % all.length] as Membership);
}
