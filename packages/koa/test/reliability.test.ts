import type { BodyParserRefusal } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import {
  fuzzRuns,
  itFuzzesCallbacks,
  itRefusesEveryHostileRequest,
  RELIABILITY_APPLE_TIMEOUT_MS,
} from '../../../testing/reliability-tests.js';
import {
  type KoaTestApp,
  type KoaTestAppOptions,
  startKoaTestApp,
} from './support/koa-test-app.js';
import { useSandbox } from './support/sandbox-fixture.js';

const { sandbox, options: authOptions } = useSandbox();
const clock = createTestClock();

// Both parsers (co-body underneath) answer JSON that is not an object or
// array, and a `__proto__` key in JSON, with their own 400.
const coBodyRefusals: BodyParserRefusal[] = ['unparsable-json', 'json-proto-key'];
// Fuzzed: the plain setup fully, one with a body parser in front briefly.
const setups: Array<[name: string, options: Omit<KoaTestAppOptions, 'auth'>, fuzz: number]> = [
  ['Koa 3, @koa/router, no body parser', { koa: 'koa3' }, fuzzRuns.http],
  ['Koa 3, middleware(), no body parser', { koa: 'koa3', mount: 'middleware' }, 0],
  ['Koa 3, @koa/bodyparser', { koa: 'koa3', bodyParser: '@koa/bodyparser' }, fuzzRuns.secondSetup],
  ['Koa 3, koa-body', { koa: 'koa3', bodyParser: 'koa-body' }, 0],
  ['Koa 2, @koa/router, no body parser', { koa: 'koa2' }, 0],
];

for (const [name, setup, runs] of setups) {
  describe(`through the Koa middleware over loopback: ${name}`, () => {
    let app: KoaTestApp;
    beforeAll(async () => {
      app = await startKoaTestApp({
        ...setup,
        auth: (origin) =>
          authOptions(origin, { now: clock.now, timeoutMs: RELIABILITY_APPLE_TIMEOUT_MS }),
      });
    });
    afterAll(() => app.close());

    const target = () =>
      loopbackTarget(app.origin, sandbox(), clock, {
        successCount: () => app.downstreamCalls,
        bodyParserRefuses: setup.bodyParser === undefined ? [] : coBodyRefusals,
        // koa-body keeps no raw text: a repeated JSON key is gone before core sees the body.
        jsonParsedFirst: setup.bodyParser === 'koa-body',
      });
    itRefusesEveryHostileRequest(target);
    if (runs > 0) itFuzzesCallbacks(target, runs);
  });
}
