/**
 * Node-only parts of `@nguon/indicators`: CSV, JSON and XLSX files and the HTML report.
 *
 * @packageDocumentation
 */
export {};
