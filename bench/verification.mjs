// Verification on: ours finishes logins with `verifyUserToken: true` against
// the sandbox behind a proxy adding BENCH_LATENCY_MS (default 5) each way.
// First a burst at twice the pool size of connections (so the pool limit is
// exercised), then alternating rounds at a fixed rate against a bare route
// that makes the same upstream call with its own keep-alive Agent: the p99
// latency ours adds is the median of the per-round differences. The
// connections the sandbox saw from ours cover the whole run.
import { APPLE_CONNECTIONS_PER_ORIGIN } from '@apple-music-auth/core';
import { BARE_CALLBACK_PATH } from './apps/bare-routes.mjs';
import { CALLBACK_PATH } from './bench-options.mjs';
import { callbackPosts, signCallbacks } from './callbacks.mjs';
import { comparePair, load, median, startChild, startServers } from './http-pair.mjs';

/** Requests per second of the latency rounds: well below what either side can serve. */
const RATE = 100;
/** Connections of the latency rounds: below the pool size, so no request waits for one. */
const CONNECTIONS = 8;
/** Latency rounds per side: a p99 of a few hundred requests swings, so more than the usual 3. */
const ROUNDS = 5;
/** The most verified callbacks per second the burst is expected to finish. */
const MAX_BURST_PER_SECOND = 5_000;

/** Runs the verification benchmark; returns the table's rows. */
export async function runVerification(seconds) {
  const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 5);
  const upstream = await startChild('./upstream.mjs', { BENCH_LATENCY_MS: String(latencyMs) });
  try {
    const server = await startServers('verify', {
      BENCH_UPSTREAM_OURS: upstream.ours,
      BENCH_UPSTREAM_BARE: upstream.bare,
    });
    try {
      const callbacks = await signCallbacks(
        MAX_BURST_PER_SECOND * seconds + RATE * seconds * ROUNDS,
        {
          cookieName: server.cookieName,
          userToken: upstream.userToken,
        },
      );
      const posts = callbackPosts(callbacks);
      const ours = `${server.base}${CALLBACK_PATH}`;
      const burst = await load({
        url: ours,
        connections: 2 * APPLE_CONNECTIONS_PER_ORIGIN,
        duration: seconds,
        ...posts.request('ours'),
      });
      console.log(
        `verification burst: ${2 * APPLE_CONNECTIONS_PER_ORIGIN} connections, ${burst.requests.average} req/s, p99 ${burst.latency.p99} ms`,
      );
      const { rows } = await comparePair({
        ours,
        bare: `${server.base}${BARE_CALLBACK_PATH}`,
        request: posts.request,
        options: { connections: CONNECTIONS, overallRate: RATE, ignoreCoordinatedOmission: true },
        rounds: ROUNDS,
        seconds,
      });
      console.log(`verification rounds at ${RATE} req/s (req/s, p50 and p99 ms):`, rows);
      if (posts.used() > callbacks.length) console.log('note: the pre-signed callbacks ran out');
      const added = median(rows.map((row) => row.oursP99 - row.bareP99));
      const seen = await upstream.ask('connections');
      console.log('connections the sandbox saw (accepted, most open at once):', seen);
      return [
        {
          figure: `TCP connections the sandbox saw from ours, most open at once (accepted over the run) (verification on, a burst of ${2 * APPLE_CONNECTIONS_PER_ORIGIN} connections, then ${RATE} req/s rounds)`,
          value: `${seen.ours.peak} (${seen.ours.accepted})`,
          target: `<= ${APPLE_CONNECTIONS_PER_ORIGIN} (pool size)`,
          met: seen.ours.peak <= APPLE_CONNECTIONS_PER_ORIGIN,
        },
        {
          figure: `p99 added by ours over a bare route making the same Apple call (${latencyMs} ms each way, ${RATE} req/s)`,
          value: `${added} ms`,
          target: '<= 2 ms',
          met: added <= 2,
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await upstream.stop();
  }
}
