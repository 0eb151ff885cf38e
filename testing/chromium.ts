// Shared by the browser tests: launches Debian's Chromium through
// playwright-core, or skips the suite with one printed reason when it is
// missing (outside CI; in CI a missing Chromium fails the run).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe } from 'vitest';

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when the Chromium binary exists. */
export const chromiumAvailable = existsSync(chromiumPath);

/** Flags for a quiet, fast, headless run in containers and CI. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Launches headless Chromium (with `extraArgs` after the usual flags); throws with what to do when it is missing. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!chromiumAvailable) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, ...extraArgs],
  });
}

/**
 * `describe` for a suite that needs Chromium. Without Chromium the suite is
 * skipped with one line on stderr, unless `CI` is set: then it runs and fails
 * in `launchChromium`, so CI never passes without its browser tests.
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (chromiumAvailable || process.env.CI) {
    describe(name, body);
    return;
  }
  process.stderr.write(
    `Skipping "${name}": no Chromium at ${chromiumPath} (install chromium or set CHROMIUM_PATH).\n`,
  );
  describe.skip(name, body);
}
