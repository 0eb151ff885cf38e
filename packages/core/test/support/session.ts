import type { SessionAccess } from '../../src/index.js';

/**
 * A framework session stand-in, like express-session's over Redis: values
 * survive a JSON round trip, and the test can inspect the stored entries.
 */
export function fakeSession(): SessionAccess & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (key) => {
      const value = entries.get(key);
      return value === undefined ? undefined : JSON.parse(value);
    },
    set: (key, value) => {
      if (value === undefined) entries.delete(key);
      else entries.set(key, JSON.stringify(value));
    },
  };
}
