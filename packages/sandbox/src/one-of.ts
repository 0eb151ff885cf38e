/**
 * Asserts that an option is one of `allowed`.
 *
 * @throws Error naming the option and listing what it may be.
 */
export function assertOneOf<T extends string>(
  name: string,
  allowed: readonly T[],
  value: unknown,
): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new Error(`${name} must be one of ${allowed.map((item) => `"${item}"`).join(', ')}.`);
  }
}
