// Shared by the adapters' tests: an app served on loopback as the sandbox's
// ScenarioTarget, with a clock the app's `now` option reads.
import type { Sandbox, ScenarioTarget } from '@apple-music-auth/sandbox';

/** A clock for an app's `now` option that a test can move forward, and that starts again at the real time. */
export interface TestClock {
  /** The app's `now`: the real time plus how far the test moved it. */
  now(): number;
  /** Moves the clock forward, as the expiry scenario and hostile request do. */
  advanceTime(ms: number): void;
  /** Back to the real time. */
  reset(): void;
}

/** Creates a {@link TestClock} at the real time. */
export function createTestClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advanceTime: (ms) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
  };
}

/**
 * The target of an app served on `origin` with the login and callback on
 * their default paths (`/auth/apple-music`, `/auth/apple-music/callback`),
 * reached with `fetch` over loopback (redirects not followed). Resets
 * `clock`: call it when each test starts. `extra` adds e.g. `successCount`.
 */
export function loopbackTarget(
  origin: string,
  sandbox: Sandbox,
  clock: TestClock,
  extra: Partial<ScenarioTarget> = {},
): ScenarioTarget {
  clock.reset();
  return {
    send: (request) => fetch(request, { redirect: 'manual' }),
    loginURL: `${origin}/auth/apple-music`,
    callbackURL: `${origin}/auth/apple-music/callback`,
    sandbox,
    advanceTime: clock.advanceTime,
    ...extra,
  };
}
