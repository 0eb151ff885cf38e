import type { LoginResult } from '@apple-music-auth/core';
import type { Request } from 'express';
import passport from 'passport';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AppleMusicProfile,
  Strategy,
  type VerifyCallback,
  type VerifyFunctionWithParams,
  type VerifyFunctionWithRequestAndParams,
} from '../src/index.js';

const options = {
  teamID: 'TEAM123456',
  keyID: 'KEY1234567',
  privateKeyLocation: './AuthKey_KEY1234567.p8',
  callbackURL: '/auth',
};

describe('verify overloads', () => {
  it('passReqToCallback: true selects the req signatures', () => {
    new Strategy(
      { ...options, passReqToCallback: true },
      (req, accessToken, refreshToken, profile, done) => {
        expectTypeOf(req).toEqualTypeOf<Request>();
        expectTypeOf(accessToken).toEqualTypeOf<string>();
        expectTypeOf(refreshToken).toEqualTypeOf<undefined>();
        expectTypeOf(profile).toEqualTypeOf<AppleMusicProfile>();
        expectTypeOf(done).toEqualTypeOf<VerifyCallback>();
      },
    );
    const withParams: VerifyFunctionWithRequestAndParams = (
      req,
      _at,
      _rt,
      params,
      profile,
      done,
    ) => {
      expectTypeOf(req).toEqualTypeOf<Request>();
      expectTypeOf(params).toEqualTypeOf<LoginResult>();
      expectTypeOf(profile).toEqualTypeOf<AppleMusicProfile>();
      done(null, { id: 'user' });
    };
    new Strategy({ ...options, passReqToCallback: true }, withParams);
    // @ts-expect-error: without passReqToCallback: true, verify gets no req.
    new Strategy(options, withParams);
  });

  it('passReqToCallback absent or false selects the signatures without req', () => {
    new Strategy(options, (accessToken, refreshToken, profile, done) => {
      expectTypeOf(accessToken).toEqualTypeOf<string>();
      expectTypeOf(refreshToken).toEqualTypeOf<undefined>();
      expectTypeOf(profile).toEqualTypeOf<AppleMusicProfile>();
      expectTypeOf(done).toEqualTypeOf<VerifyCallback>();
    });
    new Strategy({ ...options, passReqToCallback: false }, (_at, _rt, profile, done) => {
      expectTypeOf(profile).toEqualTypeOf<AppleMusicProfile>();
      expectTypeOf(done).toEqualTypeOf<VerifyCallback>();
    });
    const withParams: VerifyFunctionWithParams = (_at, _rt, params, profile, done) => {
      expectTypeOf(params).toEqualTypeOf<LoginResult>();
      expectTypeOf(profile).toEqualTypeOf<AppleMusicProfile>();
      done(null, false);
    };
    new Strategy(options, withParams);
    // @ts-expect-error: with passReqToCallback: true, verify gets req first.
    new Strategy({ ...options, passReqToCallback: true }, withParams);
  });

  it('accepts an async verify that returns the user', () => {
    new Strategy(options, async (accessToken) => ({ id: accessToken }));
  });

  it('gives the profile no id: Apple has none', () => {
    new Strategy(options, (_at, _rt, profile, done) => {
      // @ts-expect-error: there is no stable user id.
      done(null, { id: profile.id });
    });
  });
});

describe("passport.authenticate's options", () => {
  it("take the strategy's ui option", () => {
    passport.authenticate('apple-music', { ui: 'musickit', failureRedirect: '/login' });
    // @ts-expect-error: 'popup' or 'musickit' only.
    passport.authenticate('apple-music', { ui: 'redirect' });
  });
});
