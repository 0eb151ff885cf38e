import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { fuzzCallbacks } from '@apple-music-auth/sandbox/fuzz';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeCoreTargets, targetKeys } from './support/core-targets.js';

// FUZZ_SEED replays a failed run. In-process, 10,000 callbacks take about 15 s
// on 2 cores; over loopback HTTP about 40 s, so `pnpm test` sends 2,000 there
// and .ci/run sets FUZZ_HTTP_RUNS=10000.
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const inProcessRuns = Number(process.env.FUZZ_RUNS ?? 10_000);
const httpRuns = Number(process.env.FUZZ_HTTP_RUNS ?? 2_000);

let sandbox: Sandbox;
beforeAll(async () => {
  const { teamId, keyId, publicKey } = targetKeys;
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

describeCoreTargets(
  () => sandbox,
  (target, path) => {
    const runs = path === 'in-process' ? inProcessRuns : httpRuns;
    it(`answers ${runs} generated callbacks with a 4xx or an earned login, never a 5xx`, async () => {
      const app = target();
      const report = await fuzzCallbacks(
        { ...app, successCount: () => app.successes.length },
        { runs, ...(seed === undefined ? {} : { seed }) },
      );
      expect(report.runs).toBe(runs);
      // The generator must reach both sides: honest logins and many kinds of refusal.
      expect(report.successes).toBeGreaterThan(runs / 50);
      expect(Object.keys(report.refusals).length).toBeGreaterThanOrEqual(5);
    }, 300_000);
  },
);
