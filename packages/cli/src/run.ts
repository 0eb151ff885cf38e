import { readFileSync } from 'node:fs';
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import { type OptionSpec, type ParsedArgs, parseCommandArgs, UsageError } from './args.js';
import { CLI_NAME as BIN, type CliIO, type Command, CommandError } from './command.js';
import { withFlagNames } from './flag-names.js';
import { nearestName } from './nearest-name.js';
import { sandboxCommand } from './sandbox-command.js';
import { tokenCommand } from './token-command.js';
import { verifyCommand } from './verify-command.js';

/** Every command, in help order: adding one is an import and an entry here. */
const commands: readonly Command[] = [tokenCommand, verifyCommand, sandboxCommand];

/**
 * Runs the `apple-music-auth` CLI on `argv` (without `node` and the script)
 * and resolves to the exit code: 0 done, 1 failed, 2 bad command line.
 * Errors are one line on `io.stderr` (with `--json`, a library error is
 * JSON on `io.stdout` instead); it never throws.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(overviewHelp());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = commands.find((candidate) => candidate.name === rest[0]);
    io.stdout.write(command === undefined ? overviewHelp() : commandHelp(command));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) return fail(io, 2, unknownCommand(name));
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  let args: ParsedArgs | undefined;
  try {
    args = parseCommandArgs(rest, command.options);
    return await command.run(args, io);
  } catch (error) {
    const secrets = args?.secrets ?? [];
    if (error instanceof UsageError) {
      return fail(io, 2, `${error.message} (see '${BIN} ${command.name} --help')`, secrets);
    }
    if (error instanceof CommandError) return fail(io, 1, error.message, secrets);
    if (!isAppleMusicAuthError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      return fail(io, 1, `unexpected error: ${message}`, secrets);
    }
    const message = scrub(withFlagNames(error.message), secrets);
    if (args?.flag('json') !== true) return fail(io, 1, `${error.code}: ${message}`, secrets);
    const reason = (error as { upstreamReason?: unknown }).upstreamReason;
    const output = { error: { code: error.code, message, reason } };
    io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 1;
  }
}

/**
 * Names a mistyped command and suggests the nearest one. The typed word is
 * echoed only when it looks like a command name: a value pasted in the wrong
 * place may be a token.
 */
function unknownCommand(name: string): string {
  const names = commands.map((c) => c.name);
  const list = `the commands are ${names.join(', ')} (see '${BIN} --help')`;
  if (name.startsWith('-')) return `unknown option ${name.split('=')[0]}; ${list}`;
  if (!/^[A-Za-z][\w-]{0,31}$/.test(name)) return `unknown command; ${list}`;
  const near = nearestName(name, names);
  const hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
  return `unknown command '${name}'${hint}; ${list}`;
}

function fail(io: CliIO, code: number, message: string, secrets: readonly string[] = []): number {
  io.stderr.write(`${BIN}: ${scrub(message, secrets).replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
  return code;
}

/** The text with every secret value the user gave replaced. */
function scrub(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join('[redacted]');
  return scrubbed;
}

function readVersion(): string {
  const manifest: unknown = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  );
  return (manifest as { version: string }).version;
}

function overviewHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Usage: ${BIN} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run '${BIN} <command> --help' for a command's options, '${BIN} --version' for the version.`,
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const entries = Object.entries(command.options);
  const usage =
    command.usage ??
    entries
      .filter(([, spec]) => spec.required)
      .map(([name, spec]) => `--${name} ${spec.valueName ?? ''}`.trim())
      .join(' ');
  const labels = entries.map(([name, spec]) => [optionLabel(name, spec), spec] as const);
  const width = Math.max(...labels.map(([label]) => label.length));
  return [
    `Usage: ${[BIN, command.name, usage, '[options]'].filter(Boolean).join(' ')}`,
    '',
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.details === undefined ? [] : [command.details]),
    '',
    'Options:',
    ...labels.map(
      ([label, spec]) =>
        `  ${label.padEnd(width)}  ${spec.description}${spec.required ? ' (required)' : ''}`,
    ),
    `  ${'--help'.padEnd(width)}  show this help`,
    '',
  ].join('\n');
}

function optionLabel(name: string, spec: OptionSpec): string {
  return spec.type === 'string' ? `--${name} ${spec.valueName ?? '<value>'}` : `--${name}`;
}
