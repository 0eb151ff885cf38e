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

const httpRuns = Number(process.env.FUZZ_HTTP_RUNS ?? 2_000);

/**
 * Generated callbacks per target. Over loopback HTTP 10,000 take 25 to 50 s
 * on 2 cores, so a local `pnpm test` sends 2,000 and .ci/run sets
 * FUZZ_HTTP_RUNS=10000; in-process they take about 15 s (FUZZ_RUNS).
 */
export const fuzzRuns = {
  http: httpRuns,
  /** A second setup of the same adapter (a body parser in front): a quarter, to keep each adapter's run short. */
  secondSetup: Math.round(httpRuns / 4),
  inProcess: Number(process.env.FUZZ_RUNS ?? 10_000),
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
 * the parser's own refusals, or it proved nothing.
 */
export function itFuzzesCallbacks(target: () => ScenarioTarget, runs = fuzzRuns.http): void {
  it(`answers ${runs} generated callbacks with a 4xx or an earned login, never a 5xx`, async () => {
    const subject = target();
    const report = await fuzzCallbacks(subject, { runs, ...(seed === undefined ? {} : { seed }) });
    expect(report.runs).toBe(runs);
    expect(report.successes).toBeGreaterThan(runs / 50);
    expect(Object.keys(report.refusals).length).toBeGreaterThanOrEqual(5);
    if (subject.bodyParserRefuses?.length) expect(report.parserRefusals).toBeGreaterThan(0);
  }, 300_000);
}
