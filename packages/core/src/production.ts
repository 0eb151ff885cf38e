/**
 * True when `NODE_ENV` is `production`, read from `process.env` where the
 * runtime has one. Anything else (unset, `development`, `test`, no `process`,
 * an environment the runtime will not let us read) counts as development.
 */
export function isProduction(): boolean {
  try {
    const runtime = globalThis as { process?: { env?: Record<string, string | undefined> } };
    return runtime.process?.env?.NODE_ENV === 'production';
  } catch {
    return false;
  }
}
