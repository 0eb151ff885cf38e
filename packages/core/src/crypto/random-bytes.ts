/** Bytes drawn from `crypto.getRandomValues` at once; each call hands out a slice. */
const POOL_BYTES = 4096;

let pool = new Uint8Array(0);
let offset = 0;

/** What this module needs of `node:v8`, where the runtime has it. */
interface StartupSnapshot {
  isBuildingSnapshot(): boolean;
  addDeserializeCallback(callback: () => void): void;
}

/**
 * `length` fresh bytes from the platform's CSPRNG. Short runs are drawn in
 * batches, because each `crypto.getRandomValues` call costs
 * microseconds on Node however few bytes it fills; no byte is handed out
 * twice. The view is only valid until the next call: copy or encode it at once.
 *
 * The batch is module state, filled on first use. A Node startup snapshot
 * (`node --build-snapshot`) would copy it into every process started from
 * the snapshot, which would then hand out the same states and nonces: the
 * batch is dropped when a process is deserialised from one.
 */
export function randomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(length));
  if (offset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + length);
  offset += length;
  return bytes;
}

/** Empties the batch, so the next call draws afresh. */
function dropPool(): void {
  pool = new Uint8Array(0);
  offset = 0;
}

/** `node:v8`'s `startupSnapshot` on Node (20.16 and later); `undefined` on other runtimes. */
function startupSnapshot(): StartupSnapshot | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  const v8 = runtime?.getBuiltinModule?.('node:v8') as
    | { startupSnapshot?: StartupSnapshot }
    | undefined;
  return v8?.startupSnapshot;
}

const snapshot = startupSnapshot();
if (snapshot?.isBuildingSnapshot()) snapshot.addDeserializeCallback(dropPool);
