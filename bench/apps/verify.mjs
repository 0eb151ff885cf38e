// Verification on, node:http: ours finishes a login with core's callback step
// and `verifyUserToken: true` (one GET /v1/me/storefront through core's own
// Apple client), and the bare route reads the same body and makes that same
// upstream call with its own keep-alive undici Agent of the same pool size.
// Each side reaches the sandbox through its own proxy (BENCH_UPSTREAM_OURS,
// BENCH_UPSTREAM_BARE), so the connections ours opens are counted alone.
import { createServer } from 'node:http';
import { APPLE_CONNECTIONS_PER_ORIGIN, createAppleMusicAuth } from '@apple-music-auth/core';
import { Agent } from 'undici';
import { benchAuthOptions } from '../bench-options.mjs';
import { BARE_CALLBACK_PATH, readFormBody } from './bare-routes.mjs';
import { serveOurs } from './node-ours.mjs';

/** Creates the verification app's server (not listening yet). */
export function createApp() {
  const auth = createAppleMusicAuth(
    benchAuthOptions({
      verifyUserToken: true,
      endpoints: { api: process.env.BENCH_UPSTREAM_OURS },
    }),
  );
  const agent = new Agent({ connections: APPLE_CONNECTIONS_PER_ORIGIN });
  const bareOrigin = process.env.BENCH_UPSTREAM_BARE;
  return createServer(async (req, res) => {
    const path = req.url.split('?', 1)[0];
    if (await serveOurs(auth, req, res, path)) return;
    if (path === BARE_CALLBACK_PATH) {
      const form = await readFormBody(req);
      const answer = await agent.request({
        origin: bareOrigin,
        path: '/v1/me/storefront',
        method: 'GET',
        headers: {
          authorization: `Bearer ${await auth.getDeveloperToken()}`,
          'music-user-token': form.get('music_user_token'),
          accept: 'application/json',
        },
      });
      await answer.body.json();
      res.writeHead(answer.statusCode === 200 ? 303 : 502, { location: '/' });
      return res.end();
    }
    res.writeHead(404).end();
  });
}
