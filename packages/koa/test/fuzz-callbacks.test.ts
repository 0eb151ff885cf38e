import { afterAll, beforeAll, describe } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import { itFuzzesCallbacks } from '../../../testing/reliability-tests.js';
import { type KoaTestApp, startKoaTestApp } from './support/koa-test-app.js';
import { useSandbox } from './support/sandbox-fixture.js';

const { sandbox, options: authOptions } = useSandbox();
const clock = createTestClock();
let app: KoaTestApp;
beforeAll(async () => {
  app = await startKoaTestApp({
    koa: 'koa3',
    auth: (origin) => authOptions(origin, { now: clock.now }),
  });
});
afterAll(() => app.close());

describe('through the Koa middleware over loopback: Koa 3, @koa/router, no body parser', () => {
  itFuzzesCallbacks(() =>
    loopbackTarget(app.origin, sandbox(), clock, { successCount: () => app.downstreamCalls }),
  );
});
