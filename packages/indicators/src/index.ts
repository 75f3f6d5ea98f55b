export { IndicatorsError, type IndicatorsErrorCode, type InputIssue } from './errors';
export * from './model';
