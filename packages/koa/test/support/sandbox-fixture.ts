import { generateKeyPairSync } from 'node:crypto';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll } from 'vitest';
import type { AppleMusicKoaOptions } from '../../src/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** The public half of the key the options sign with. */
export { publicKey };

/** A sandbox for this test file (started before its tests, closed after), and options that talk to it. */
export function useSandbox(): {
  sandbox: () => Sandbox;
  options: (origin: string, extra?: Partial<AppleMusicKoaOptions>) => AppleMusicKoaOptions;
} {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  });
  afterAll(() => sandbox?.close());
  const started = (): Sandbox => {
    if (sandbox === undefined) throw new Error('the sandbox starts in beforeAll');
    return sandbox;
  };
  return {
    sandbox: started,
    options: (origin, extra = {}) => ({
      teamId,
      keyId,
      privateKey,
      callbackURL: `${origin}/auth/apple-music/callback`,
      state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
      endpoints: { authorize: started().authorizeURL, api: started().apiURL },
      timeoutMs: 2000,
      ...extra,
    }),
  };
}
