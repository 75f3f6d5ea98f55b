export type { DateLike } from './dates';
export { AreasError, type AreasErrorCode } from './errors';
export { normalizeName } from './normalize';
export {
  loadUnits,
  type MappingReport,
  type SearchOptions,
  type Unit,
  type UnitMapping,
  type UnitMatch,
  UnitRegistry,
} from './registry';
export type { UnitLevel, UnitType } from './unit-types';
