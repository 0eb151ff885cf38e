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
      'test/{state,state-store,state-token-shape,callback,callback-body,request-body}.test.ts',
      'test/{return-to,developer-token,developer-token-route,sha256,exact-limits}.test.ts',
      'test/{web-handlers,web-converters,flow-request,hostile-requests,apple-music-auth}.test.ts',
      'test/{login-required,session-packages,options}.test.ts',
    ],
    testTimeout: 3_000,
    // One module graph for all files: a mutant run does not import them again.
    isolate: false,
  },
});
