import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, expect } from 'vitest';
import { generateP256 } from '../support/generated-keys.js';
import type { LoginFlowConfig, LoginFlowReport } from './login-flow.js';

/**
 * Starts a sandbox on loopback for the calling test file and returns the
 * login flow's config for it, with a fresh Music User Token per call.
 */
export function useFlowSandbox(): () => LoginFlowConfig {
  const teamId = 'TEAM123456';
  const keyId = 'KEY1234567';
  const { pem } = generateP256();
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ teamId, keyId, publicKey: pem, storefront: 'jp' });
  });
  afterAll(() => sandbox?.close());
  return () => {
    if (sandbox === undefined) throw new Error('the sandbox runs only during tests');
    return {
      teamId,
      keyId,
      privateKey: pem,
      authorizeURL: sandbox.authorizeURL,
      apiURL: sandbox.apiURL,
      musicUserToken: sandbox.issueToken(),
    };
  };
}

/** Checks a report of a login that Apple (the sandbox) accepted, storefront `jp`. */
export function expectCompletedLogin(report: LoginFlowReport): void {
  expect(report).toEqual({
    loginStatus: 200,
    pageNamesAuthorizeURL: true,
    callbackStatus: 200,
    storefront: 'jp',
    sameToken: true,
  });
}
