import { defineProject } from 'vitest/config';

// The tests mutation testing runs for each mutant: the unit tests of the
// mutated modules and the fast in-process flows through them. Left out: the
// browser tests, the scenario table run through three servers (login-scenarios),
// the property, load, fault and runtime runs, and tests that spawn processes:
// each costs seconds per mutant.
export default defineProject({
  test: {
    name: 'core-mutation',
    include: [
      'test/state/{signed-state,state-store,state-token-shape,session-packages}.test.ts',
      'test/protocol/callback-payload.test.ts',
      'test/http/{request-body,return-to,request-origin}.test.ts',
      'test/node/{callback-body,web-converters,flow-request}.test.ts',
      'test/tokens/developer-token.test.ts',
      'test/routes/{developer-token-route,web-handlers,login-required}.test.ts',
      'test/config/options.test.ts',
      'test/{exact-limits,hostile-requests,apple-music-auth}.test.ts',
    ],
    testTimeout: 3_000,
    // One module graph for all files: a mutant run does not import them again.
    isolate: false,
  },
});
