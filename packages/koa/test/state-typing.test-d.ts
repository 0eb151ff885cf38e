import { Router } from '@koa/router';
import Koa from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AppleMusicKoa,
  type AppleMusicState,
  appleMusicAuth,
  type LoginResult,
} from '../src/index.js';

declare const am: AppleMusicKoa;

describe('ctx.state.appleMusic', () => {
  it('is a LoginResult in the route after callback() on @koa/router', () => {
    const router = new Router();
    router.post('/auth/apple-music/callback', am.callback(), (ctx) => {
      expectTypeOf(ctx.state.appleMusic).toEqualTypeOf<LoginResult>();
    });
  });

  it("keeps the app's own state beside it", () => {
    interface AppState {
      user: { id: string };
    }
    const router = new Router<AppState>();
    router.post('/auth/apple-music/callback', am.callback<AppState>(), (ctx) => {
      expectTypeOf(ctx.state.appleMusic.musicUserToken).toBeString();
      expectTypeOf(ctx.state.user.id).toBeString();
    });
  });

  it('is a Koa Middleware for app.use', () => {
    expectTypeOf(am.callback()).toExtend<Koa.Middleware<AppleMusicState>>();
    expectTypeOf(am.login()).toExtend<Koa.Middleware>();
    const app = new Koa();
    app.use(am.login()).use(am.middleware()).use(am.callback());
  });

  it('is optional after middleware(), which also passes other requests through', () => {
    const app = new Koa<Partial<AppleMusicState>>();
    app.use(am.middleware()).use((ctx) => {
      expectTypeOf(ctx.state.appleMusic).toEqualTypeOf<LoginResult | undefined>();
    });
  });

  it('does not put appleMusic on every Koa context (no global augmentation)', () => {
    const app = new Koa<{ other: true }>();
    app.use((ctx) => {
      // @ts-expect-error: only middleware after callback() sees appleMusic.
      ctx.state.appleMusic;
    });
  });

  it('takes the key as text or as a file path', () => {
    expectTypeOf(appleMusicAuth).parameter(0).toHaveProperty('privateKeyPath');
    expectTypeOf(
      am.fetchAppleMusic<{ data: unknown[] }>('/v1/me/recent/played'),
    ).resolves.toEqualTypeOf<{
      data: unknown[];
    }>();
  });
});

describe('ctx.state.musicUserToken', () => {
  it("is a string in the route after requireLogin(), beside the app's own state", () => {
    interface AppState {
      user: { id: string };
    }
    const router = new Router<AppState>();
    const guard = am.requireLogin<AppState>({
      read: (ctx) => ctx.cookies.get('token'),
      clear: (ctx) => {
        ctx.cookies.set('token', null);
      },
    });
    router.get('/recent', guard, (ctx) => {
      expectTypeOf(ctx.state.musicUserToken).toBeString();
      expectTypeOf(ctx.state.user.id).toBeString();
    });
    expectTypeOf(am.developerToken()).toExtend<Koa.Middleware>();
    expectTypeOf(am.routes.developerTokenPath).toBeString();
  });
});
