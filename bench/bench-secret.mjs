/** The state secret the benchmark's app and its pre-signed callbacks share. */
export const BENCH_STATE_SECRET = 'a-benchmark-state-secret-of-enough-length';
