// Shared by core's and every adapter's reliability tests: the sandbox's
// catalogue of hostile requests and its callback fuzzer, registered as tests
// on one target, so that each framework runs the same table and property.
import { hostileRequests, type ScenarioTarget } from '@apple-music-auth/sandbox';
import { fuzzCallbacks } from '@apple-music-auth/sandbox/fuzz';
import { expect, it } from 'vitest';

/** FUZZ_SEED replays a failed fuzzing run (the failure prints its seed). */
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/**
 * The Apple timeout (`timeoutMs`) for an app under the reliability tests: the
 * scenarios' 500 ms turns a slow answer from the sandbox on a loaded machine
 * into a 504, and these tests assume a healthy Apple (the fault tests cover
 * its timeouts).
 */
export const RELIABILITY_APPLE_TIMEOUT_MS = 10_000;

const runs = Number(process.env.FUZZ_RUNS ?? 300);

/**
 * Generated callbacks per target: 300 in `pnpm test` and `pnpm test:unit`,
 * and 10,000 in `pnpm test:fuzz` (FUZZ_RUNS=10000), which take 25 to 50 s
 * per target over loopback HTTP on 2 cores.
 */
export const fuzzRuns = {
  /** Each adapter's main setup, and each of core's request paths (in-process too). */
  http: runs,
  /**
   * A second setup of the same adapter (a body parser in front): a quarter,
   * at least 300, since 100 callbacks met only four kinds of refusal now and
   * then, and the test asks for five.
   */
  secondSetup: Math.max(300, Math.round(runs / 4)),
};

/**
 * Registers one test per hostile request in the calling suite. `target` is
 * read when each test runs, after the suite's hooks; give it a
 * `successCount` so that each test also checks that no refused callback
 * reached the app's success hook.
 */
export function itRefusesEveryHostileRequest(target: () => ScenarioTarget): void {
  for (const hostile of hostileRequests) it(hostile.name, () => hostile.run(target()));
}

/**
 * Registers the fuzzing test in the calling suite: `runs` generated
 * callbacks through `target`, each a 4xx naming a client error code or a
 * login it earned, never a 5xx; the run must reach honest logins, at
 * least five kinds of refusal and, on a target with `bodyParserRefuses`,
 * in a run of 1,000 or more, the parser's own refusals, or it proved nothing.
 */
export function itFuzzesCallbacks(target: () => ScenarioTarget, runs = fuzzRuns.http): void {
  it(`answers ${runs} generated callbacks with a 4xx or an earned login, never a 5xx`, async () => {
    const subject = target();
    const report = await fuzzCallbacks(subject, { runs, ...(seed === undefined ? {} : { seed }) });
    expect(report.runs).toBe(runs);
    expect(report.successes).toBeGreaterThan(runs / 50);
    expect(Object.keys(report.refusals).length).toBeGreaterThanOrEqual(5);
    // About one generated callback in 180 declares JSON for a body a strict
    // parser refuses: a long run must meet some; a short one may meet none,
    // and the hostile catalogue sends those bodies to the same target anyway.
    if (subject.bodyParserRefuses?.length && runs >= 1_000) {
      expect(report.parserRefusals).toBeGreaterThan(0);
    }
  }, 300_000);
}
