export {
  agreesWithPrinted,
  computeRate,
  denominatorOf,
  fillTotals,
  getIndicator,
  levelOfCode,
  printedDecimals,
  rateNumerator,
  rawRate,
  roundTo,
  sumPresent,
  targetRate,
  targetValue,
  tolerance,
  universeOf,
} from './compute';
export { getDataset, listDatasets } from './datasets/index';
export { IndicatorsError, type IndicatorsErrorCode, type InputIssue } from './errors';
export * from './model';
export { type AggregateOptions, aggregateActuals, progress } from './progress';
export {
  type PartialMapping,
  type RebaseOptions,
  type RebaseResult,
  rebaseActuals,
  type UnmappedActual,
} from './rebase';
export { isWardOrTown, type RegistryUnit, type UnitMapping, type UnitRegistryLike } from './registry';
export { countInRegistry, type ValidateOptions, validateDataset } from './validate';
