/**
 * One variable of `process.env`, read on its own: a runtime without
 * `process` (Workers), or one that refuses the read (Deno without
 * `--allow-env`), gives `undefined` instead of throwing.
 */
export function readEnvironmentVariable(name: string): string | undefined {
  try {
    const runtime = globalThis as { process?: { env?: Record<string, string | undefined> } };
    return runtime.process?.env?.[name];
  } catch {
    return undefined;
  }
}

/**
 * True when `NODE_ENV` is `production`. Anything else (unset, `development`,
 * `test`, no `process`, an environment the runtime will not let us read)
 * counts as development.
 */
export function isProduction(): boolean {
  return readEnvironmentVariable('NODE_ENV') === 'production';
}
