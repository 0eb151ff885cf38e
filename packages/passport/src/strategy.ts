import {
  type AppleMusicAuth,
  type AppleMusicAuthError,
  createAppleMusicAuth,
  invalidOptions,
  type LoginResult,
  type LoginStorage,
  passportStatusByCode,
  sessionFromObject,
} from '@apple-music-auth/core';
import { flowRequestFrom, readCallbackBody, sendStepReply } from '@apple-music-auth/core/node';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { Strategy as PassportStrategy } from 'passport-strategy';
import { resolveStrategyOptions, type StrategyOptions } from './strategy-options.js';
import {
  type AnyVerifyFunction,
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

/** Core's login guard as Express middleware, from `strategy.requireLogin(storage)`. */
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

/** One plain request for core's steps, from Express's (its session wrapped). */
function flowRequestOf(req: Request) {
  const session = sessionFromObject((req as { session?: unknown }).session);
  return flowRequestFrom(req, { url: req.originalUrl, session });
}

/**
 * The Apple Music strategy, name `apple-music`. A request that is not a POST
 * gets the bridge page (written on `req.res`); the POST callback finishes the
 * login through core and calls verify with the Music User Token.
 */
export class Strategy extends PassportStrategy {
  name = 'apple-music';
  /** Core's login: `routes`, `fetchAppleMusic`, `getDeveloperToken`, `close`. */
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

  /**
   * The developer-token route for MusicKit in the page:
   * `app.get(strategy.auth.routes.developerTokenPath, strategy.developerToken())`.
   */
  developerToken(): RequestHandler {
    return (req, res, next) => {
      this.auth
        .developerTokenStep(flowRequestOf(req))
        .then((reply) => sendStepReply(res, reply), next);
    };
  }

  /**
   * Core's login guard for routes that need Apple Music, over how the app
   * stores the login: `app.get('/recent', guard.require, handler, guard.rejected)`.
   */
  requireLogin(storage: LoginStorage<Request>): LoginGuard {
    const guard = this.auth.requireLogin(storage, flowRequestOf);
    return {
      require(req, res, next) {
        guard.check(req).then((checked) => {
          if (checked.reply !== undefined) return sendStepReply(res, checked.reply);
          res.locals.musicUserToken = checked.musicUserToken;
          next();
        }, next);
      },
      rejected(error, req, res, next) {
        guard.rejected(error, req).then((reply) => sendStepReply(res, reply), next);
      },
    };
  }

  /** Renders the bridge page, or finishes the POST callback. */
  override authenticate(req: Request, options: AuthenticateOptions = {}): void {
    const res = req.res;
    if (res === undefined) {
      const problem = 'the strategy writes the login page on req.res: use it from Express.';
      this.error(invalidOptions('req.res', problem));
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
        // Stryker disable next-line ConditionalExpression,EqualityOperator: appending an empty list of Set-Cookie values adds no header
        if (outcome.setCookies.length > 0) res.appendHeader('set-cookie', outcome.setCookies);
        if (outcome.error !== undefined) this._failWith(outcome.error);
        else this._verifyLogin(req, outcome.result);
      })
      .catch(fault);
  }

  private _verifyLogin(req: Request, result: LoginResult): void {
    const request = this._passReqToCallback ? req : undefined;
    callVerify(this._verify, request, result, (error, user, info) => {
      if (error) this.error(error as Error);
      else if (!user) this.fail(info, 401);
      else this.success(user, info);
    });
  }

  /** Core's table of passport-oauth2's convention: `fail` with its status, or `error`. */
  private _failWith(error: AppleMusicAuthError): void {
    const status = passportStatusByCode[error.code];
    const info = { message: error.message, code: error.code };
    if (status === 'error') this.error(error);
    else this.fail(info, status === 'own' ? error.status : status);
  }
}
