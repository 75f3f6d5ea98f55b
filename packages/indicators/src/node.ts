/**
 * Node-only parts of `@nguon/indicators`: CSV, JSON and XLSX files and the HTML report.
 *
 * @packageDocumentation
 */
export {
  datasetToCsv,
  parseActualsCsv,
  parseTidyCsv,
  parseTidyCsvWithLines,
  parseValueText,
  progressToCsv,
  TIDY_CSV_COLUMNS,
  writeTidyCsv,
} from './io/csv';
export { detectFormat, type FileFormat } from './io/format';
export {
  datasetToJson,
  datasetToTidyJson,
  type ParsedJsonFile,
  parseJsonFile,
  type TidyJsonRow,
} from './io/json';
export { formatViNumber, type PrintedFigure, parsePrinted } from './io/printed';
export { datasetFromTidyRows, datasetToTidyRows, unitLabel } from './io/tidy';
export { readDatasetXlsx, SHEETS, writeDatasetXlsx } from './io/xlsx';
export { barChartSvg, type ChartSeries, lineChartSvg } from './report/charts';
export { type ReportLanguage, type ReportOptions, renderReport } from './report/html';
