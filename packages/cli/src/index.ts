export type { CliIO } from './command.js';
export { run } from './run.js';
