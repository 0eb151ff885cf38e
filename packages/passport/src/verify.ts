import type { LoginResult, Storefront } from '@apple-music-auth/core';
import type { Request } from 'express';

/**
 * What the strategy knows about the account. Apple gives no stable user id,
 * so there is no `id`: key your users by your own session or account.
 */
export interface AppleMusicProfile {
  provider: 'apple-music';
  /** The account's storefront, or `undefined` with `verifyUserToken: false`. */
  storefront: Storefront | undefined;
  /** Parental content restrictions, as the browser reported them (advisory). */
  restricted: boolean;
  /** A developer token for `Authorization: Bearer` (was `req.query.id_token_hint`). */
  developerToken: string;
  /** Seconds until `developerToken` expires. */
  expiresIn: number;
}

/** Passport's `done`: an error, or the user (`false` for none) with optional info. */
export type VerifyCallback = (error: unknown, user?: Express.User | false, info?: object) => void;

/** What a verify function may return: nothing (it calls `done`), or a promise of the user. */
// biome-ignore lint/suspicious/noConfusingVoidType: a callback-style async verify resolves to void.
export type VerifyReturn = void | Promise<Express.User | false | undefined | void>;

/** `(accessToken, refreshToken, profile, done)`; `accessToken` is the Music User Token. */
export type VerifyFunction = (
  accessToken: string,
  refreshToken: undefined,
  profile: AppleMusicProfile,
  done: VerifyCallback,
) => VerifyReturn;

/** `(accessToken, refreshToken, params, profile, done)`; `params` is core's `LoginResult`. */
export type VerifyFunctionWithParams = (
  accessToken: string,
  refreshToken: undefined,
  params: LoginResult,
  profile: AppleMusicProfile,
  done: VerifyCallback,
) => VerifyReturn;

/** {@link VerifyFunction} with the request first (`passReqToCallback: true`). */
export type VerifyFunctionWithRequest = (
  req: Request,
  ...args: Parameters<VerifyFunction>
) => VerifyReturn;

/** {@link VerifyFunctionWithParams} with the request first (`passReqToCallback: true`). */
export type VerifyFunctionWithRequestAndParams = (
  req: Request,
  ...args: Parameters<VerifyFunctionWithParams>
) => VerifyReturn;

/** Any of the four verify shapes. */
export type AnyVerifyFunction =
  | VerifyFunction
  | VerifyFunctionWithParams
  | VerifyFunctionWithRequest
  | VerifyFunctionWithRequestAndParams;

/**
 * Calls verify with the login's profile and the arguments its arity asks for, as `passport-oauth2`
 * does (one more parameter means `params` too), and settles `done` once:
 * from `done`, from the promise an async verify returns (its user), or from
 * what it throws or rejects with.
 */
export function callVerify(
  verify: AnyVerifyFunction,
  req: Request | undefined,
  result: LoginResult,
  done: VerifyCallback,
): void {
  const profile: AppleMusicProfile = {
    provider: 'apple-music',
    storefront: result.storefront,
    restricted: result.restricted,
    developerToken: result.developerToken,
    expiresIn: Math.max(0, Math.floor((result.developerTokenExpiresAt - Date.now()) / 1000)),
  };
  let settled = false;
  const once: VerifyCallback = (error, user, info) => {
    if (settled) return;
    settled = true;
    done(error, user, info);
  };
  const withParams = verify.length === (req === undefined ? 5 : 6);
  const args: unknown[] = withParams
    ? [result.musicUserToken, undefined, result, profile, once]
    : [result.musicUserToken, undefined, profile, once];
  try {
    const returned = (verify as (...args: unknown[]) => VerifyReturn)(
      ...(req === undefined ? args : [req, ...args]),
    );
    if (returned !== undefined && typeof returned.then === 'function') {
      returned.then(
        (user) => {
          if (user !== undefined) once(null, user);
        },
        (error: unknown) => once(error),
      );
    }
  } catch (error) {
    once(error);
  }
}
