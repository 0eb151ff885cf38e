// The throughput pairs of every app: ours against a bare route of the same
// framework, for the login page and for the callback (verification off);
// on Express also passport-apple-music 1.0.1's login route against ours.
import { BARE_CALLBACK_PATH, BARE_LOGIN_PATH } from './apps/bare-routes.mjs';
import { CALLBACK_PATH, LEGACY_LOGIN_PATH, LOGIN_PATH } from './bench-options.mjs';
import { callbackPosts, signCallbacks } from './callbacks.mjs';
import { comparePair, startServers } from './http-pair.mjs';

/** What each app is called in the table. */
const FRAMEWORKS = {
  'node-http': 'node:http',
  express: 'Express+Passport',
  fastify: 'Fastify',
  koa: 'Koa',
};

/** The most callbacks per second any app is expected to finish (to sign enough ahead). */
const MAX_CALLBACKS_PER_SECOND = 40_000;

function ratioRow(figure, ratio, minimum) {
  return { figure, value: `${ratio.toFixed(2)}x`, target: `>= ${minimum}x`, met: ratio >= minimum };
}

/** Runs the pairs of `apps` (names of apps/), `rounds` of `seconds` per side; returns the table's rows. */
export async function runAdapterPairs(apps, { seconds, rounds }) {
  const rows = [];
  let callbacks;
  for (const app of apps) {
    const framework = FRAMEWORKS[app];
    const server = await startServers(app);
    try {
      const login = await comparePair({
        ours: `${server.base}${LOGIN_PATH}`,
        bare: `${server.base}${BARE_LOGIN_PATH}`,
        rounds,
        seconds,
      });
      console.log(`${framework} login rounds (req/s, p50 and p99 ms):`, login.rows);
      rows.push(
        ratioRow(`${framework} login route / bare route, same page size`, login.ratio, 0.9),
      );

      callbacks ??= await signCallbacks(MAX_CALLBACKS_PER_SECOND * seconds * rounds, {
        cookieName: server.cookieName,
      });
      const posts = callbackPosts(callbacks);
      const callback = await comparePair({
        ours: `${server.base}${CALLBACK_PATH}`,
        bare: `${server.base}${BARE_CALLBACK_PATH}`,
        request: posts.request,
        rounds,
        seconds,
      });
      console.log(`${framework} callback rounds (req/s, p50 and p99 ms):`, callback.rows);
      if (posts.used() > callbacks.length) console.log('note: the pre-signed callbacks ran out');
      rows.push(
        ratioRow(
          `${framework} callback (verification off) / bare POST reading the body`,
          callback.ratio,
          0.8,
        ),
      );

      if (app === 'express') {
        const legacy = await comparePair({
          ours: `${server.base}${LOGIN_PATH}`,
          bare: `${server.base}${LEGACY_LOGIN_PATH}`,
          rounds,
          seconds,
        });
        console.log(
          'ours / passport-apple-music login rounds (req/s, p50 and p99 ms):',
          legacy.rows,
        );
        rows.push(
          ratioRow(
            'Express: our login route / passport-apple-music 1.0.1 login route',
            legacy.ratio,
            4,
          ),
        );
      }
    } finally {
      await server.stop();
    }
  }
  return rows;
}
