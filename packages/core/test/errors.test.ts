import { describe, expect, it } from 'vitest';
import {
  AppleMusicAuthError,
  AuthorizationError,
  isAppleMusicAuthError,
  TokenError,
} from '../src/index.js';

describe('AppleMusicAuthError', () => {
  it('carries a code, the status that fits it, a message and a cause', () => {
    const cause = new Error('socket hang up');
    const error = new AppleMusicAuthError('ERR_UPSTREAM', 'Apple answered 500.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppleMusicAuthError');
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(error.status).toBe(502);
    expect(error.message).toBe('Apple answered 500.');
    expect(error.cause).toBe(cause);
  });

  it('lets the thrower choose another status', () => {
    expect(new AppleMusicAuthError('ERR_UPSTREAM', 'x', { status: 503 }).status).toBe(503);
  });

  it('keeps the subclass names passport-apple-music users test for', () => {
    const denied = new AuthorizationError('ERR_ACCESS_DENIED', 'The user declined.');
    const rejected = new TokenError('ERR_USER_TOKEN_REJECTED', 'Ask the user to sign in again.');
    expect(denied).toBeInstanceOf(AppleMusicAuthError);
    expect(denied.name).toBe('AuthorizationError');
    expect(denied.status).toBe(403);
    expect(rejected).toBeInstanceOf(AppleMusicAuthError);
    expect(rejected.name).toBe('TokenError');
    expect(rejected.status).toBe(401);
  });

  it('recognises its errors, also from another copy of the library', () => {
    const foreign = Object.assign(new Error('x'), { code: 'ERR_TIMEOUT', status: 504 });
    expect(isAppleMusicAuthError(new TokenError('ERR_DEVELOPER_TOKEN_REJECTED', 'x'))).toBe(true);
    expect(isAppleMusicAuthError(foreign)).toBe(true);
    expect(
      isAppleMusicAuthError(Object.assign(new Error('x'), { code: 'ENOENT', status: 1 })),
    ).toBe(false);
    expect(isAppleMusicAuthError({ code: 'ERR_TIMEOUT', status: 504 })).toBe(false);
  });
});

describe('passportStatusByCode', () => {
  it("keeps passport-oauth2's convention: refusals 401, state failures 403, faults to error()", async () => {
    const { passportStatusByCode } = await import('../src/index.js');
    expect(passportStatusByCode.ERR_ACCESS_DENIED).toBe(401);
    expect(passportStatusByCode.ERR_CANCELLED).toBe(401);
    expect(passportStatusByCode.ERR_STATE_REPLAYED).toBe(403);
    expect(passportStatusByCode.ERR_STATE_MISSING).toBe(403);
    expect(passportStatusByCode.ERR_CALLBACK_INVALID).toBe('own');
    expect(passportStatusByCode.ERR_ORIGIN_NOT_ALLOWED).toBe('own');
    for (const code of ['ERR_UPSTREAM', 'ERR_USED_STATES_FULL', 'ERR_INVALID_KEY'] as const) {
      expect(passportStatusByCode[code]).toBe('error');
    }
  });
});
