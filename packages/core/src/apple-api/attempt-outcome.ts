/** How one attempt ended: a parsed 2xx body, an error answer, or no answer at all. */
export type AttemptOutcome =
  | { ok: true; value: unknown }
  | {
      ok: false;
      status: number;
      text: string;
      retryAfterMs: number | undefined;
      sandboxReason: string | undefined;
    }
  | { ok: false; status: undefined; cause: unknown; reset: boolean };

/** An attempt that did not succeed: an error answer (with its body) or a network failure. */
export type Failure = Extract<AttemptOutcome, { ok: false }>;
