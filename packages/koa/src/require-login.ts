import { AppleMusicAuthError, isAppleMusicAuthError } from '@apple-music-auth/core';
import type { Context, DefaultContext, DefaultState, Middleware } from 'koa';

/** How the guard finds, and forgets, the Music User Token the app stored after the login. */
export interface RequireLoginOptions<ContextT = Context> {
  /** The stored Music User Token for this request, or `undefined` (may be async). */
  read(ctx: ContextT): string | undefined | null | Promise<string | undefined | null>;
  /** Forgets the stored token: Apple refused it (403), so the user signs in again. */
  clear(ctx: ContextT): void | Promise<void>;
}

/** What `requireLogin()` puts on `ctx.state` before it calls `next()`. */
export interface MusicUserTokenState {
  /** The Music User Token `read` returned, for the route's Apple Music calls. */
  musicUserToken: string;
}

/**
 * The guard: `next()` runs with `ctx.state.musicUserToken` when `read`
 * returns a token; without one, or when downstream throws
 * `ERR_USER_TOKEN_REJECTED` (after `clear`), `loginRequired` answers.
 */
export function createRequireLogin<StateT = DefaultState, ContextT = DefaultContext>(
  options: RequireLoginOptions<Context & ContextT>,
  loginRequired: (ctx: Context) => void,
): Middleware<StateT & MusicUserTokenState, ContextT> {
  for (const field of ['read', 'clear'] as const) {
    if (typeof options?.[field] !== 'function') {
      throw new AppleMusicAuthError(
        'ERR_INVALID_OPTIONS',
        `Invalid option \`requireLogin({ ${field} })\`: expected a function of ctx, e.g. read: (ctx) => ctx.session.musicUserToken, clear: (ctx) => { ctx.session.musicUserToken = undefined; }.`,
      );
    }
  }
  return async (ctx, next) => {
    const context = ctx as unknown as Context & ContextT;
    const musicUserToken = await options.read(context);
    if (typeof musicUserToken !== 'string' || musicUserToken === '') {
      return loginRequired(context);
    }
    ctx.state.musicUserToken = musicUserToken;
    try {
      await next();
    } catch (error) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
      await options.clear(context);
      loginRequired(context);
    }
  };
}
