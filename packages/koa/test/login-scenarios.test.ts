import { createMemorySingleUseStore } from '@apple-music-auth/core';
import { loginScenarios } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitableUsedStates } from '../../../testing/limitable-used-states.js';
import {
  type KoaTestApp,
  type KoaTestAppOptions,
  startKoaTestApp,
} from './support/koa-test-app.js';
import { useSandbox } from './support/sandbox-fixture.js';

const { sandbox, options: authOptions } = useSandbox();
let clockOffset = 0;

const variants: Array<Omit<KoaTestAppOptions, 'auth'>> = [
  { koa: 'koa3' },
  { koa: 'koa3', mount: 'middleware' },
  { koa: 'koa3', bodyParser: '@koa/bodyparser' },
  { koa: 'koa3', bodyParser: 'koa-body' },
  { koa: 'koa3', session: true, bodyParser: '@koa/bodyparser' },
  { koa: 'koa2' },
  { koa: 'koa2', mount: 'middleware' },
  { koa: 'koa2', bodyParser: '@koa/bodyparser' },
  { koa: 'koa2', bodyParser: 'koa-body' },
  { koa: 'koa2', session: true },
];

for (const variant of variants) {
  const name = [
    variant.koa === 'koa2' ? 'Koa 2' : 'Koa 3',
    variant.mount === 'middleware' ? 'middleware()' : '@koa/router',
    variant.bodyParser && variant.bodyParser !== 'none' ? variant.bodyParser : 'no body parser',
    variant.session ? 'koa-session' : 'state cookie',
  ].join(', ');

  describe(`login scenarios over loopback HTTP: ${name}`, () => {
    const now = () => Date.now() + clockOffset;
    const used = limitableUsedStates((maxEntries) =>
      createMemorySingleUseStore({ maxEntries, now }),
    );
    let app: KoaTestApp;
    beforeAll(async () => {
      app = await startKoaTestApp({
        ...variant,
        auth: (origin) =>
          authOptions(origin, {
            state: {
              ...(variant.session ? {} : authOptions(origin).state),
              usedStates: used.store,
            },
            now,
          }),
      });
    });
    afterAll(() => app.close());

    for (const scenario of loginScenarios) {
      it(scenario.name, async () => {
        clockOffset = 0;
        const before = app.downstreamCalls;
        let successes = 0;
        await scenario.run({
          async send(request) {
            const response = await fetch(request, { redirect: 'manual' });
            const isCallback = new URL(request.url).pathname === app.am.routes.callbackPath;
            if (isCallback && response.status === 200) successes += 1;
            return response;
          },
          loginURL: `${app.origin}/auth/apple-music`,
          callbackURL: `${app.origin}/auth/apple-music/callback`,
          ...(variant.mount === 'middleware'
            ? { developerTokenURL: `${app.origin}${app.am.routes.developerTokenPath}` }
            : {}),
          sandbox: sandbox(),
          limitUsedStates: used.limit,
          stateStore: variant.session ? 'session' : 'cookie',
          // koa-body parses forms with qs, which drops __proto__, and keeps no raw text.
          formParsedFirst: variant.bodyParser === 'koa-body',
          advanceTime: (ms) => {
            clockOffset += ms;
          },
        });
        // The route after callback() runs for each success and never for a failure.
        expect(app.downstreamCalls - before).toBe(successes);
      });
    }
  });
}
