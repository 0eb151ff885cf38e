import type { OptionSpecs, ParsedArgs } from './args.js';

/** The executable's name, which starts every line it writes to stderr. */
export const CLI_NAME = 'apple-music-auth';

/** Where a command writes: `process.stdout`/`process.stderr`, or buffers in tests. */
export interface CliIO {
  /** Output: tokens, reports, JSON. */
  stdout: { write(chunk: string): unknown };
  /** Errors and warnings, one line each. */
  stderr: { write(chunk: string): unknown };
  /** Environment variables; default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Settles when a long-running command should stop; default: SIGINT or SIGTERM. */
  stop?: Promise<unknown>;
}

/** One `apple-music-auth <name>` command; add one to the table in `run.ts`. */
export interface Command {
  /** What the user types after `apple-music-auth`. */
  name: string;
  /** One line for the overview help. */
  summary: string;
  /** The options after the command name in the help's usage line; default: the required ones. */
  usage?: string;
  /** Longer text for `<name> --help`, after the option list. */
  details?: string;
  /** The options it takes (`--help` is added for every command). */
  options: OptionSpecs;
  /** Does the work; resolves to the exit code. Throws to report an error. */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Writes one warning line to stderr; the command goes on. */
export function warn(io: CliIO, message: string): void {
  io.stderr.write(`${CLI_NAME}: warning: ${message}\n`);
}

/** A failure the command explains itself, fix included: exit code 1, the message as it is. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}
