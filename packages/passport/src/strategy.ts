import {
  type AppleMusicAuth,
  type AppleMusicAuthError,
  AuthorizationError,
  createAppleMusicAuth,
  invalidOptions,
  type LoginResult,
} from '@apple-music-auth/core';
import { readCallbackBody, sendStepReply } from '@apple-music-auth/core/node';
import type { Request } from 'express';
import { Strategy as PassportStrategy } from 'passport-strategy';
import {
  developerTokenHandler,
  type LoginGuard,
  type LoginStorage,
  loginGuard,
} from './after-login.js';
import { flowRequestOf } from './express-request.js';
import { resolveStrategyOptions, type StrategyOptions } from './strategy-options.js';
import {
  type AnyVerifyFunction,
  type AppleMusicProfile,
  callVerify,
  type VerifyFunction,
  type VerifyFunctionWithParams,
  type VerifyFunctionWithRequest,
  type VerifyFunctionWithRequestAndParams,
} from './verify.js';

/** Options with `passReqToCallback: true`: verify gets the request first. */
export interface StrategyOptionsWithRequest extends StrategyOptions {
  passReqToCallback: true;
}

/** Options without the request in verify. */
export interface StrategyOptionsWithoutRequest extends StrategyOptions {
  passReqToCallback?: false;
}

/** What `passport.authenticate('apple-music', options)` reads besides Passport's own options. */
export interface AuthenticateOptions {
  /** This login's bridge mode: `'popup'` (default) or `'musickit'`. */
  ui?: 'popup' | 'musickit';
}

declare module 'passport' {
  interface AuthenticateOptions {
    /** `apple-music` strategy: this login's bridge mode, `'popup'` (default) or `'musickit'`. */
    ui?: 'popup' | 'musickit' | undefined;
  }
}

/**
 * The Apple Music strategy, name `apple-music`. A request that is not a POST
 * gets the bridge page (written on `req.res`); the POST callback finishes the
 * login through core and calls verify with the Music User Token.
 */
export class Strategy extends PassportStrategy {
  name = 'apple-music';
  /** Core's flow: `fetchAppleMusic`, `getDeveloperToken`, `close`. */
  readonly auth: AppleMusicAuth;
  private readonly _verify: AnyVerifyFunction;
  private readonly _passReqToCallback: boolean;

  constructor(options: StrategyOptionsWithRequest, verify: VerifyFunctionWithRequest);
  constructor(options: StrategyOptionsWithRequest, verify: VerifyFunctionWithRequestAndParams);
  constructor(options: StrategyOptionsWithoutRequest, verify: VerifyFunction);
  constructor(options: StrategyOptionsWithoutRequest, verify: VerifyFunctionWithParams);
  constructor(options: StrategyOptions, verify: AnyVerifyFunction) {
    super();
    if (typeof verify !== 'function') {
      throw invalidOptions('verify', 'pass a verify function as the second argument.');
    }
    const resolved = resolveStrategyOptions(options);
    this.auth = createAppleMusicAuth(resolved.auth);
    this._verify = verify;
    this._passReqToCallback = resolved.passReqToCallback;
  }

  /** The developer-token route for MusicKit in the page: `app.get('/auth/apple-music/developer-token', strategy.developerToken())`. */
  developerToken(): ReturnType<typeof developerTokenHandler> {
    return developerTokenHandler(this.auth);
  }

  /**
   * A guard for routes that need Apple Music, over how the app stores the
   * login: `app.get('/recent', guard.require, handler, guard.rejected)`.
   */
  guard(storage: LoginStorage): LoginGuard {
    return loginGuard(this.auth, storage);
  }

  /** Renders the bridge page, or finishes the POST callback. */
  override authenticate(req: Request, options: AuthenticateOptions = {}): void {
    const res = req.res;
    if (res === undefined) {
      this.error(
        invalidOptions(
          'req.res',
          'the strategy writes the login page on req.res: use it from Express.',
        ),
      );
      return;
    }
    const flow = flowRequestOf(req);
    // Anything thrown on the way (a bug, headers already sent) ends in error(), never in an unhandled rejection.
    const fault = (error: unknown) => this.error(error as Error);
    if (req.method !== 'POST') {
      this.auth
        .loginStep({ ...flow, ui: options.ui })
        .then((reply) => sendStepReply(res, reply))
        .catch(fault);
      return;
    }
    this.auth
      .callbackStep({ ...flow, body: () => readCallbackBody(req) })
      .then((outcome) => {
        if (outcome.setCookies.length > 0) res.appendHeader('set-cookie', outcome.setCookies);
        if (outcome.error !== undefined) this._failWith(outcome.error);
        else this._verifyLogin(req, outcome.result);
      })
      .catch(fault);
  }

  private _verifyLogin(req: Request, result: LoginResult): void {
    const profile: AppleMusicProfile = {
      provider: 'apple-music',
      storefront: result.storefront,
      restricted: result.restricted,
      developerToken: result.developerToken,
      expiresIn: Math.max(0, Math.floor((result.developerTokenExpiresAt - Date.now()) / 1000)),
    };
    const request = this._passReqToCallback ? req : undefined;
    callVerify(this._verify, request, result, profile, (error, user, info) => {
      if (error) this.error(error as Error);
      else if (!user) this.fail(info, 401);
      else this.success(user, info);
    });
  }

  /**
   * The user or the browser caused it: `fail` (401 for a refusal, 403 for a
   * state failure, the error's own status for a bad callback or an origin
   * not in `appOrigins`); else `error`.
   */
  private _failWith(error: AppleMusicAuthError): void {
    const info = { message: error.message, code: error.code };
    if (error instanceof AuthorizationError) this.fail(info, 401);
    else if (error.code.startsWith('ERR_STATE_')) this.fail(info, 403);
    else if (error.code === 'ERR_CALLBACK_INVALID' || error.code === 'ERR_ORIGIN_NOT_ALLOWED') {
      this.fail(info, error.status);
    } else this.error(error);
  }
}
