/**
 * The part of an `@nguon/areas` unit that this package reads.
 *
 * @example
 * ```ts
 * const u: RegistryUnit = { code: '622', name: 'Thành phố Pleiku', level: 'district', type: 'city', parent: '64' };
 * ```
 */
export interface RegistryUnit {
  code: string;
  name: string;
  level: 'province' | 'district' | 'commune';
  type: string;
  parent: string | null;
}

/**
 * One successor or predecessor link, as `@nguon/areas` `mapForward` / `mapBackward` return it.
 *
 * @example
 * ```ts
 * const m: UnitMapping = { code: '23575', name: 'Phường Pleiku', level: 'commune', type: 'partial' };
 * ```
 */
export interface UnitMapping {
  code: string;
  name: string;
  level: string;
  type: 'full' | 'partial' | 'same';
}

/**
 * The part of the `@nguon/areas` unit registry (`loadUnits()`) that this package uses. Any object
 * with these methods works, e.g. a registry of another country or a test double built from data.
 *
 * @example
 * ```ts
 * import { loadUnits } from '@nguon/areas';
 * const registry: UnitRegistryLike = loadUnits();
 * ```
 */
export interface UnitRegistryLike {
  get(code: string, at: string): RegistryUnit | undefined | null;
  explainMapping(
    code: string,
    options: { from: string; to: string },
  ): { mappings: readonly UnitMapping[]; unmapped: readonly { code: string; name: string }[] };
  descendants(
    code: string,
    at: string,
    options?: { level?: 'district' | 'commune' },
  ): readonly RegistryUnit[];
}

/**
 * True for a ward (phường) or a town (thị trấn): the `wards_towns` scope. Anything else at
 * commune level is a commune (xã), the `communes_only` scope.
 *
 * @example
 * ```ts
 * isWardOrTown({ code: '23575', name: 'Phường Tây Sơn', level: 'commune', type: 'ward', parent: '622' }); // true
 * ```
 */
export function isWardOrTown(unit: RegistryUnit): boolean {
  if (unit.type === 'ward' || unit.type === 'township') return true;
  if (unit.type === 'commune' || unit.type === 'special-zone') return false;
  return /^(phường|thị trấn)\s/iu.test(unit.name);
}
