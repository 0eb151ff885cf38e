import { expect } from 'vitest';
import { AppleMusicAuthError } from '../../src/errors.js';

function asAppleMusicAuthError(error: unknown): AppleMusicAuthError {
  expect(error).toBeInstanceOf(AppleMusicAuthError);
  return error as AppleMusicAuthError;
}

/**
 * Runs `run` and returns the error it throws, after asserting it is an
 * `AppleMusicAuthError`. Fails when `run` returns instead, and when it returns
 * a promise (an async failure belongs to {@link rejectionOf}).
 */
export function thrownBy(run: () => unknown): AppleMusicAuthError {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    return asAppleMusicAuthError(error);
  }
  if (result instanceof Promise) {
    // Keep the rejection this check abandons from surfacing as unhandled.
    result.catch(() => undefined);
    throw new Error('expected a synchronous throw, but got a promise: use rejectionOf');
  }
  throw new Error('expected a throw, but the call returned');
}

/**
 * Awaits `promise` and returns the reason it rejects with, after asserting it
 * is an `AppleMusicAuthError`. Fails when `promise` resolves instead.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<AppleMusicAuthError> {
  try {
    await promise;
  } catch (error) {
    return asAppleMusicAuthError(error);
  }
  throw new Error('expected a rejection, but the promise resolved');
}
