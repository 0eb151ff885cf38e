import type { Dispatcher } from 'undici';
import { invalidOptions } from '../errors.js';
import { describeValue } from './describe-value.js';

/** The longest delay `setTimeout` keeps (about 24.8 days): the cap of every timeout option. */
export const MAX_TIMER_MS = 2_147_483_647;

/** True for a plain object (not `null`, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The range of a numeric option and its default. */
export interface NumberOptionRange {
  min: number;
  max: number;
  /** Used when the option is `undefined`. */
  fallback: number;
  /** Only whole numbers. */
  integer?: boolean;
  /** `min` and `max` themselves are refused (a share such as 0.1). */
  exclusive?: boolean;
  /** What the number counts, for the message, e.g. `milliseconds`. */
  unit?: string;
}

/**
 * Checks a numeric option against its range, or returns the default when it
 * is `undefined`. Throws `ERR_INVALID_OPTIONS` naming `field`, the range, the
 * default and what was given.
 */
export function numberOption(field: string, value: unknown, range: NumberOptionRange): number {
  if (value === undefined) return range.fallback;
  const inRange = range.exclusive
    ? (value as number) > range.min && (value as number) < range.max
    : (value as number) >= range.min && (value as number) <= range.max;
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    inRange
  ) {
    return value;
  }
  const kind = `${range.integer ? 'a whole number' : 'a number'}${range.unit ? ` of ${range.unit}` : ''}`;
  const bounds = range.exclusive
    ? `greater than ${range.min} and less than ${range.max}`
    : `from ${range.min} to ${range.max}`;
  throw invalidOptions(
    field,
    `must be ${kind} ${bounds} (default ${range.fallback}), got ${describeValue(value)}.`,
  );
}

/**
 * Checks a clock option (`now`): a function returning milliseconds since the
 * epoch, like `Date.now`. `undefined` gives `Date.now`.
 */
export function clockOption(field: string, value: unknown): () => number {
  if (value === undefined) return Date.now;
  if (typeof value !== 'function') {
    throw invalidOptions(
      field,
      `must be a function returning milliseconds since the epoch, like \`Date.now\`, got ${describeValue(value)}.`,
    );
  }
  return value as () => number;
}

/**
 * Checks a `dispatcher` option: an undici `Dispatcher` (an `Agent`, a
 * `ProxyAgent`, a `MockAgent`), recognised by its `dispatch` and `request`
 * methods so that one from another copy of undici passes too. `undefined`
 * stays `undefined`. Throws `ERR_INVALID_OPTIONS` naming `field`.
 */
export function dispatcherOption(field: string, value: unknown): Dispatcher | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { dispatch?: unknown }).dispatch === 'function' &&
    typeof (value as { request?: unknown }).request === 'function'
  ) {
    return value as Dispatcher;
  }
  throw invalidOptions(
    field,
    `expected an undici Dispatcher such as \`new Agent()\` or \`new ProxyAgent(url)\`, or leave it out; got ${describeValue(value)}.`,
  );
}
