import { type AppleMusicAuth, isAppleMusicAuthError } from '@apple-music-auth/core';
import { sendStepReply } from '@apple-music-auth/core/node';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { flowRequestOf } from './express-request.js';

/** How the app keeps its login: the guard reads the token through it, and clears it when Apple refuses it. */
export interface LoginStorage {
  /** The stored Music User Token of this request's user, or nothing. */
  read(req: Request): string | null | undefined | Promise<string | null | undefined>;
  /** Forgets the stored token (Apple answered 403 to it). */
  clear(req: Request): void | Promise<void>;
}

/** A guard for routes that need Apple Music, from `strategy.guard(storage)`. */
export interface LoginGuard {
  /**
   * Lets the request through when `read` gives a token (then in
   * `res.locals.musicUserToken`); else sends a page navigation to the login
   * route with `returnTo`, and answers an API call 401 JSON naming it.
   */
  require: RequestHandler;
  /**
   * Error middleware for the same route: an `ERR_USER_TOKEN_REJECTED` (Apple
   * answered 403) clears the stored token and answers as `require` does;
   * anything else goes on to `next(error)`.
   */
  rejected: ErrorRequestHandler;
}

/** The guard for `auth`'s login route, over the app's own storage of the login. */
export function loginGuard(auth: AppleMusicAuth, storage: LoginStorage): LoginGuard {
  const signIn = (req: Request, res: Parameters<RequestHandler>[1]) =>
    sendStepReply(res, auth.loginRequiredStep(flowRequestOf(req)));
  return {
    require(req, res, next) {
      Promise.resolve(storage.read(req)).then((token) => {
        if (typeof token !== 'string' || token === '') return signIn(req, res);
        res.locals.musicUserToken = token;
        next();
      }, next);
    },
    rejected(error, req, res, next) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') {
        next(error);
        return;
      }
      Promise.resolve(storage.clear(req)).then(() => signIn(req, res), next);
    },
  };
}

/**
 * The developer-token route for MusicKit web apps (`app.get(path, handler)`):
 * core's `developerTokenStep`, JSON `{ developerToken, expiresAt }` with cache
 * headers, ETag and CORS for the app's origins.
 */
export function developerTokenHandler(auth: AppleMusicAuth): RequestHandler {
  return (req, res, next) => {
    auth.developerTokenStep(flowRequestOf(req)).then((reply) => sendStepReply(res, reply), next);
  };
}
