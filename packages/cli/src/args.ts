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

type Tokens = NonNullable<ReturnType<typeof parseArgs>['tokens']>;

/**
 * Parses `argv` (without the command name) against `specs` with
 * `node:util`'s `parseArgs` in strict mode, then checks what it leaves to
 * the caller: no empty value, no repeated single option, every required
 * one present. Every error names the option, never its value, since values
 * may be tokens.
 */
export function parseCommandArgs(argv: readonly string[], specs: OptionSpecs): ParsedArgs {
  const config = {
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [
        name,
        { type: spec.type, multiple: spec.multiple === true },
      ]),
    ),
    tokens: true,
  } as const;
  let tokens: Tokens;
  try {
    tokens = parseArgs({ ...config, strict: true, allowPositionals: false }).tokens;
  } catch (error) {
    const { tokens: loose } = parseArgs({ ...config, strict: false, allowPositionals: true });
    throw new UsageError(describeRefusal(error, loose, specs));
  }
  const strings = new Map<string, string[]>();
  const flags = new Set<string>();
  const secrets: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = specs[token.name] as OptionSpec;
    if (spec.type === 'boolean') {
      flags.add(token.name);
      continue;
    }
    const value = token.value ?? '';
    if (value === '') throw new UsageError(`option --${token.name} needs a value`);
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

/**
 * Says why strict `parseArgs` refused the command line, in the CLI's words:
 * its own messages quote a stray argument, which may be a pasted token. The
 * loose tokens of the same line tell which option is at fault.
 */
function describeRefusal(error: unknown, tokens: Tokens, specs: OptionSpecs): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return 'unexpected argument: this command takes only --options';
  }
  const options = tokens.filter((token) => token.kind === 'option');
  const unknown = options.find((token) => specs[token.name] === undefined);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
    return unknownOption(unknown.rawName, specs);
  }
  const flag = options.find(
    (token) => specs[token.name]?.type === 'boolean' && token.value !== undefined,
  );
  if (flag !== undefined) return `option --${flag.name} takes no value`;
  const bare = options.find(
    (token) =>
      specs[token.name]?.type === 'string' &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))),
  );
  if (bare !== undefined) return `option --${bare.name} needs a value`;
  return error instanceof Error ? error.message : String(error);
}

/** Names an unknown option, suggesting the nearest known one. */
function unknownOption(rawName: string, specs: OptionSpecs): string {
  const near = rawName.startsWith('--')
    ? nearestName(rawName.slice(2), Object.keys(specs))
    : undefined;
  return `unknown option ${rawName}${near === undefined ? '' : ` (did you mean --${near}?)`}`;
}
