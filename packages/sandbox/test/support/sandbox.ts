// One sandbox shared by the tests of a file, trusting a fresh test-side key
// pair (see developer-tokens.ts) as TEAM_ID / KEY_ID.
import { afterAll, beforeAll } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/index.js';
import {
  createKeyPair,
  KEY_ID,
  type KeyPair,
  signDeveloperToken,
  TEAM_ID,
} from './developer-tokens.js';

/** What {@link useSandbox} sets up; read it inside tests and hooks only. */
export interface SandboxFixture {
  /** The key pair the sandbox trusts. */
  readonly keys: KeyPair;
  readonly sandbox: Sandbox;
  /** A valid developer token, signed with `keys.privateKey`. */
  readonly developerToken: string;
}

/**
 * Registers a `beforeAll` that creates a key pair, starts a sandbox trusting
 * it and signs a developer token with it, and an `afterAll` that closes the
 * sandbox. Call it once at the top of a test file.
 */
export function useSandbox(): SandboxFixture {
  let keys: KeyPair | undefined;
  let sandbox: Sandbox | undefined;
  let developerToken: string | undefined;

  beforeAll(async () => {
    keys = await createKeyPair();
    sandbox = await startSandbox({ teamId: TEAM_ID, keyId: KEY_ID, publicKey: keys.publicKey });
    developerToken = await signDeveloperToken(keys.privateKey);
  });
  afterAll(() => sandbox?.close());

  function ready<T>(value: T | undefined, name: string): T {
    if (value === undefined) throw new Error(`useSandbox: ${name} is read before beforeAll ran`);
    return value;
  }
  return {
    get keys() {
      return ready(keys, 'keys');
    },
    get sandbox() {
      return ready(sandbox, 'sandbox');
    },
    get developerToken() {
      return ready(developerToken, 'developerToken');
    },
  };
}
