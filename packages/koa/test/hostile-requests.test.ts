import type { BodyParserRefusal } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import { itRefusesEveryHostileRequest } from '../../../testing/reliability-tests.js';
import {
  type KoaTestApp,
  type KoaTestAppOptions,
  startKoaTestApp,
} from './support/koa-test-app.js';
import { useSandbox } from './support/sandbox-fixture.js';

const { sandbox, options: authOptions } = useSandbox();
const clock = createTestClock();

// Both parsers (co-body underneath) answer JSON that does not parse, and a
// `__proto__` key in JSON, with their own 400 before the callback runs.
const coBodyRefusals: BodyParserRefusal[] = ['unparsable-json', 'json-proto-key'];
const variants: Array<[name: string, options: Omit<KoaTestAppOptions, 'auth'>]> = [
  ['Koa 3, @koa/router, no body parser', { koa: 'koa3' }],
  ['Koa 3, middleware(), no body parser', { koa: 'koa3', mount: 'middleware' }],
  ['Koa 3, @koa/bodyparser', { koa: 'koa3', bodyParser: '@koa/bodyparser' }],
  ['Koa 3, koa-body', { koa: 'koa3', bodyParser: 'koa-body' }],
  ['Koa 2, @koa/router, no body parser', { koa: 'koa2' }],
];

for (const [name, variant] of variants) {
  describe(`through the Koa middleware over loopback: ${name}`, () => {
    let app: KoaTestApp;
    beforeAll(async () => {
      app = await startKoaTestApp({
        ...variant,
        auth: (origin) => authOptions(origin, { now: clock.now }),
      });
    });
    afterAll(() => app.close());

    itRefusesEveryHostileRequest(() =>
      loopbackTarget(app.origin, sandbox(), clock, {
        successCount: () => app.downstreamCalls,
        bodyParserRefuses: variant.bodyParser === undefined ? [] : coBodyRefusals,
      }),
    );
  });
}
