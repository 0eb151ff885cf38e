import { type ServedHandlers, serveHandlers } from '@apple-music-auth/sandbox';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  type AppleMusicClient,
  type AppleMusicClientOptions,
  createAppleMusicClient,
} from '../../src/apple-api/client.js';
import type { AppleMusicAuthError } from '../../src/errors.js';
import { storefrontResponse } from './apple-responses.js';
import { rejectionOf } from './errors.js';

/** The developer token the harness's clients send. */
export const developerToken = `dev.${crypto.randomUUID()}`;

/** A Music User Token with the `+`, `/` and `=` that must survive as a header. */
export const musicUserToken = `mut+${crypto.randomUUID()}/=`;

/** Apple's answer to a valid `GET /v1/me/storefront`. */
export const storefrontOK = () => HttpResponse.json(storefrontResponse);

/** What a test file of the Apple Music client works with. */
export interface AppleAPIHarness {
  /** The stand-in for Apple's API on loopback (valid once the file's tests run). */
  readonly served: ServedHandlers;
  /** A client of `served`, closed after the test. */
  client(options?: Partial<AppleMusicClientOptions>): AppleMusicClient;
  /** Counts the requests that reach `path` and answers them with `answers` in turn (the last one repeats). */
  answerInTurn(
    path: string,
    answers: ReadonlyArray<() => Response | Promise<Response>>,
    method?: 'get' | 'post',
  ): { readonly count: number };
  /** The call's AppleMusicAuthError, checked to leak neither token into its message. */
  rejection(promise: Promise<unknown>): Promise<AppleMusicAuthError>;
}

/**
 * Serves a stand-in for Apple's API (answering `GET /v1/me/storefront`) for
 * the calling test file, resets its handlers and closes the clients after
 * each test, and closes it after the file.
 */
export function useAppleAPI(): AppleAPIHarness {
  let served: ServedHandlers | undefined;
  const clients: AppleMusicClient[] = [];
  const current = (): ServedHandlers => {
    if (served === undefined) throw new Error('the Apple API stand-in runs only during tests');
    return served;
  };

  beforeAll(async () => {
    served = await serveHandlers([http.get('/v1/me/storefront', storefrontOK)]);
  });
  afterEach(async () => {
    current().resetHandlers();
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await current().close();
  });

  return {
    get served() {
      return current();
    },
    client(options = {}) {
      const created = createAppleMusicClient({
        apiURL: current().url,
        getDeveloperToken: async () => developerToken,
        ...options,
      });
      clients.push(created);
      return created;
    },
    answerInTurn(path, answers, method = 'get') {
      const counter = { count: 0 };
      current().use(
        http[method](path, () => {
          counter.count += 1;
          const answer = answers[Math.min(counter.count, answers.length) - 1];
          if (!answer) throw new Error('no answer');
          return answer();
        }),
      );
      return counter;
    },
    async rejection(promise) {
      const error = await rejectionOf(promise);
      expect(error.message).not.toContain(developerToken);
      expect(error.message).not.toContain(musicUserToken);
      return error;
    },
  };
}
