/** A pinned runtime: its npm package for linux-x64, version, and the binary's path inside. */
export interface PinnedRuntime {
  package: string;
  version: string;
  bin: string;
}

/** The pinned runtimes the tests run the packages in. */
export declare const RUNTIMES: Record<'node' | 'bun' | 'deno' | 'workerd', PinnedRuntime>;

/** The absolute path of a runtime's binary, installed from the npm registry on first use. */
export declare function runtimeBinary(name: keyof typeof RUNTIMES): string;
