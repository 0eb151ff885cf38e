import {
  AppleMusicAuthError,
  type AppleMusicAuthOptions,
  type LoginResult,
} from '@apple-music-auth/core';
import type { FastifyReply, FastifyRequest, RegisterOptions } from 'fastify';

/**
 * The plugin's options: every option of `createAppleMusicAuth`, with
 * `callbackURL` optional and `loginURL` replaced by the route paths, plus
 * Fastify's `prefix`, `logLevel` and `logSerializers`, which apply to the routes.
 */
export interface AppleMusicAuthPluginOptions
  extends Omit<AppleMusicAuthOptions, 'callbackURL' | 'loginURL'>,
    RegisterOptions {
  /**
   * The login route (the bridge page), under the plugin's `prefix`.
   * Default `/auth/apple-music`.
   */
  loginPath?: string;
  /** The callback route, under the plugin's `prefix`. Default `/auth/apple-music/callback`. */
  callbackPath?: string;
  /**
   * The developer-token route for MusicKit in the page, under the plugin's
   * `prefix`. Default: `loginPath` + `/developer-token` (`/auth/apple-music/developer-token`).
   */
  developerTokenPath?: string;
  /**
   * The public callback URL. Leave it out to resolve the prefixed
   * `callbackPath` against each request's origin, one of `appOrigins` (see
   * `trustProxy`); when given (recommended in production:
   * `https://app.example/auth/apple-music/callback`), its path must be the
   * prefixed `callbackPath`.
   */
  callbackURL?: string;
  /**
   * The name of the instance decorator (default `appleMusic`). Give each
   * instance its own when you register several; their state cookies and
   * session keys then default to names of their own too.
   */
  decorator?: string;
  /** Keep the login state in `request.session` (`@fastify/session` or `@fastify/secure-session`). */
  session?: boolean;
  /**
   * Answers a successful login; `request.appleMusicLogin` holds the result.
   * Return what to send, or `reply` after sending. Default: 303 to `returnTo` or `/`.
   */
  onSuccess?: (request: FastifyRequest, reply: FastifyReply, result: LoginResult) => unknown;
  /** Answers a failed login. Default: 303 to core's failure page on the login route. */
  onError?: (request: FastifyRequest, reply: FastifyReply, error: AppleMusicAuthError) => unknown;
}

/** The plugin's own options after validation, with their defaults. */
export interface RouteOptions {
  loginPath: string;
  callbackPath: string;
  developerTokenPath: string;
  decorator: string;
  session: boolean;
}

/** The instance decorator's default name. */
export const DEFAULT_DECORATOR = 'appleMusic';

/** Checks the plugin's own options; a bad one throws `ERR_INVALID_OPTIONS` naming it. */
export function resolveRouteOptions(options: AppleMusicAuthPluginOptions): RouteOptions {
  const check = <T>(field: string, value: T | undefined, ok: (v: T) => boolean, what: string) => {
    if (value !== undefined && !ok(value)) throw invalid(field, what);
  };
  const path = (v: unknown) => typeof v === 'string' && /^\/(?!\/)/.test(v);
  const routePath = "must be a path starting with one '/', e.g. '/auth/apple-music'.";
  check('loginPath', options.loginPath, path, routePath);
  check('callbackPath', options.callbackPath, path, routePath);
  check('developerTokenPath', options.developerTokenPath, path, routePath);
  const identifier = (v: unknown) => typeof v === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(v);
  check('decorator', options.decorator, identifier, 'must be a JavaScript identifier.');
  check('session', options.session, (v) => typeof v === 'boolean', 'must be true or false.');
  for (const hook of ['onSuccess', 'onError'] as const) {
    check(hook, options[hook], (v) => typeof v === 'function', 'must be a function.');
  }
  if (Object.hasOwn(options, 'loginURL')) {
    throw invalid(
      'loginURL',
      'the plugin builds it from the prefix and `loginPath`: give `loginPath`.',
    );
  }
  const loginPath = options.loginPath ?? '/auth/apple-music';
  return {
    loginPath,
    callbackPath: options.callbackPath ?? '/auth/apple-music/callback',
    developerTokenPath:
      options.developerTokenPath ?? `${loginPath.replace(/\/$/, '')}/developer-token`,
    decorator: options.decorator ?? DEFAULT_DECORATOR,
    session: options.session ?? false,
  };
}

/** An `ERR_INVALID_OPTIONS` naming the option and what to do. */
export function invalid(field: string, problem: string): AppleMusicAuthError {
  return new AppleMusicAuthError('ERR_INVALID_OPTIONS', `Invalid option \`${field}\`: ${problem}`);
}
