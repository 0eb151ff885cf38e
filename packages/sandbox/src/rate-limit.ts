/**
 * When the sandbox answers API calls with Apple's 429 (no `Retry-After`, as
 * Apple sends none): on every `everyNth` call (1 by default: every call), for
 * `forMs` milliseconds on the sandbox's clock from when the limit is set (for
 * as long as it stays set by default). `{ everyNth: 3 }` refuses the 3rd,
 * 6th, 9th… call; `{ forMs: 2000 }` refuses every call for two seconds.
 */
export interface RateLimit {
  /** Refuse every Nth call counted from when the limit is set (a whole number, 1 or more). */
  everyNth?: number;
  /** Refuse only during this many milliseconds from when the limit is set (more than 0). */
  forMs?: number;
}

/** The rate limit state of a sandbox: what is set, and whether the next call is refused. */
export interface RateLimiter {
  /** Sets the limit (counting calls from zero, timing from now), or lifts it with `undefined`. */
  set(limit: RateLimit | undefined): void;
  /** Counts one API call and tells whether it gets a 429, with why (for the reason header). */
  take(): string | undefined;
}

/**
 * Creates a {@link RateLimiter} reading time from `now` (ms since the epoch).
 *
 * @throws Error (from `set`, and here for `initial`) when a limit is malformed.
 */
export function createRateLimiter(now: () => number, initial?: RateLimit): RateLimiter {
  let limit: Required<RateLimit> | undefined;
  let since = 0;
  let calls = 0;

  const limiter: RateLimiter = {
    set(next) {
      limit = next === undefined ? undefined : checkRateLimit(next);
      since = now();
      calls = 0;
    },
    take() {
      if (limit === undefined) return undefined;
      if (now() - since >= limit.forMs) {
        limit = undefined;
        return undefined;
      }
      calls += 1;
      if (calls % limit.everyNth !== 0) return undefined;
      const which = limit.everyNth === 1 ? 'every call' : `one call in ${limit.everyNth}`;
      return `the sandbox's rate limit refuses ${which} (rateLimit, setRateLimit)`;
    },
  };
  limiter.set(initial);
  return limiter;
}

function checkRateLimit(limit: unknown): Required<RateLimit> {
  if (typeof limit !== 'object' || limit === null) {
    throw new Error('rateLimit must be an object { everyNth?, forMs? }, or undefined to lift it.');
  }
  const { everyNth = 1, forMs = Number.POSITIVE_INFINITY } = limit as RateLimit;
  if (!Number.isSafeInteger(everyNth) || everyNth < 1) {
    throw new Error('rateLimit.everyNth must be a whole number, 1 or more (1 refuses every call).');
  }
  if (typeof forMs !== 'number' || Number.isNaN(forMs) || forMs <= 0) {
    throw new Error('rateLimit.forMs must be a number of milliseconds greater than 0.');
  }
  return { everyNth, forMs };
}
