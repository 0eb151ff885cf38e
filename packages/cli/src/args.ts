import { parseArgs } from 'node:util';
import { nearestName } from './nearest-name.js';

/** One option of a CLI command. */
export interface OptionSpec {
  /** `string` options take a value, `boolean` ones are flags. */
  type: 'string' | 'boolean';
  /** The option may be given several times (string options only). */
  multiple?: boolean;
  /** The command cannot run without it. */
  required?: boolean;
  /** Placeholder of the value in the help, e.g. `<file.p8>`. */
  valueName?: string;
  /** The value is a secret: never echoed, and removed from error lines. */
  secret?: boolean;
  /** One line for the help. */
  description: string;
}

/** The options of one command, by long name without the dashes. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A command line that does not fit the command: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command's parsed options. */
export interface ParsedArgs {
  /** The value of a string option given at most once, if given. */
  string(name: string): string | undefined;
  /** The value of a required string option. */
  required(name: string): string;
  /** Every value of a repeatable string option, in order. */
  strings(name: string): string[];
  /** Whether a flag was given. */
  flag(name: string): boolean;
  /** Values of the options marked `secret`, to scrub from output. */
  readonly secrets: readonly string[];
}

/**
 * Parses `argv` (without the command name) against `specs`. Every error
 * names the option, never its value, since values may be tokens.
 */
export function parseCommandArgs(argv: readonly string[], specs: OptionSpecs): ParsedArgs {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [name, { type: spec.type }]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const strings = new Map<string, string[]>();
  const flags = new Set<string>();
  const secrets: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      throw new UsageError('unexpected argument: this command takes only --options');
    }
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (spec === undefined) throw new UsageError(unknownOption(token.rawName, specs));
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option --${token.name} takes no value`);
      flags.add(token.name);
      continue;
    }
    const { value } = token;
    if (value === undefined || value === '' || (value.startsWith('-') && !token.inlineValue)) {
      throw new UsageError(`option --${token.name} needs a value`);
    }
    const values = strings.get(token.name) ?? [];
    if (values.length > 0 && !spec.multiple) {
      throw new UsageError(`option --${token.name} is given more than once`);
    }
    values.push(value);
    strings.set(token.name, values);
    if (spec.secret) secrets.push(value);
  }
  const missing = Object.entries(specs)
    .filter(([name, spec]) => spec.required && !strings.has(name))
    .map(([name]) => `--${name}`);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')}`);

  return {
    string: (name) => strings.get(name)?.[0],
    required(name) {
      const value = strings.get(name)?.[0];
      if (value === undefined) throw new UsageError(`missing --${name}`);
      return value;
    },
    strings: (name) => [...(strings.get(name) ?? [])],
    flag: (name) => flags.has(name),
    secrets,
  };
}

/** Names an unknown option, suggesting the nearest known one. */
function unknownOption(rawName: string, specs: OptionSpecs): string {
  const near = rawName.startsWith('--')
    ? nearestName(rawName.slice(2), Object.keys(specs))
    : undefined;
  return `unknown option ${rawName}${near === undefined ? '' : ` (did you mean --${near}?)`}`;
}
