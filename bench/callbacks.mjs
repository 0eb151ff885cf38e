// Callbacks signed ahead of a run, each with a fresh state and its nonce
// cookie: a state is single-use, so ours needs a new one per request. One
// list serves every app (each app process has its own used-state store).
import { createNonce, createState } from '@apple-music-auth/core';
import { BENCH_STATE_SECRET } from './bench-options.mjs';

/** Signs `count` callbacks carrying `userToken` (or `token-<n>`), for the nonce cookie `cookieName`. */
export async function signCallbacks(count, { cookieName, userToken }) {
  const list = [];
  for (let index = 0; index < count; index += 1) {
    const nonce = createNonce();
    const state = await createState({ secret: BENCH_STATE_SECRET, nonce });
    list.push({
      body: new URLSearchParams({
        state,
        music_user_token: userToken ?? `token-${index}`,
      }).toString(),
      cookie: `${cookieName}=${nonce}`,
    });
  }
  return list;
}

/**
 * The autocannon options of a callback pair over `list`: ours gets each
 * callback once, from the start of the list; the bare route gets the same
 * bodies over again. `used()` says how many ours took (more than the list
 * means some were replayed, which ours refuses).
 */
export function callbackPosts(list) {
  let next = 0;
  let replayed = 0;
  const request = (side) => ({
    method: 'POST',
    requests: [
      {
        setupRequest(req) {
          const index = side === 'ours' ? next++ : replayed++;
          const { body, cookie } = list[index % list.length];
          return {
            ...req,
            body,
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          };
        },
      },
    ],
  });
  return { request, used: () => next };
}
