/**
 * Level of an administrative unit (cấp hành chính): `province` (cấp tỉnh), `district` (cấp huyện,
 * abolished on 2025-07-01) or `commune` (cấp xã).
 *
 * @example
 * ```ts
 * const level: UnitLevel = 'commune';
 * ```
 */
export type UnitLevel = 'province' | 'district' | 'commune';

/**
 * Kind of unit, from the word that starts its official name:
 * - `province` — Tỉnh (province)
 * - `municipality` — Thành phố trực thuộc trung ương (centrally run city, e.g. Hà Nội)
 * - `district` — Huyện (rural district)
 * - `urban-district` — Quận (urban district)
 * - `town` — Thị xã (district-level town)
 * - `city` — Thành phố thuộc tỉnh (district-level city, e.g. Pleiku)
 * - `commune` — Xã
 * - `ward` — Phường
 * - `township` — Thị trấn (district seat, abolished 2025-07-01)
 * - `special-zone` — Đặc khu (island special zone, from 2025-07-01)
 *
 * @example
 * ```ts
 * const type: UnitType = 'ward'; // Phường
 * ```
 */
export type UnitType =
  | 'province'
  | 'municipality'
  | 'district'
  | 'urban-district'
  | 'town'
  | 'city'
  | 'commune'
  | 'ward'
  | 'township'
  | 'special-zone';

/** Type ids as stored in the generated data (same order as scripts/generate.mjs). */
export const UNIT_TYPES: readonly { type: UnitType; level: UnitLevel; word: string; english: string }[] = [
  { type: 'province', level: 'province', word: 'Tỉnh', english: 'Province' },
  { type: 'municipality', level: 'province', word: 'Thành phố', english: 'City' },
  { type: 'district', level: 'district', word: 'Huyện', english: 'District' },
  { type: 'urban-district', level: 'district', word: 'Quận', english: 'District' },
  { type: 'town', level: 'district', word: 'Thị xã', english: 'Town' },
  { type: 'city', level: 'district', word: 'Thành phố', english: 'City' },
  { type: 'commune', level: 'commune', word: 'Xã', english: 'Commune' },
  { type: 'ward', level: 'commune', word: 'Phường', english: 'Ward' },
  { type: 'township', level: 'commune', word: 'Thị trấn', english: 'Township' },
  { type: 'special-zone', level: 'commune', word: 'Đặc khu', english: 'Special administrative region' },
];

/** Levels from the top down. */
export const UNIT_LEVELS: readonly UnitLevel[] = ['province', 'district', 'commune'];
