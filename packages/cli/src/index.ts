export { CliExit, type CliIo } from './io';
export { createProgram, runCli } from './program';
