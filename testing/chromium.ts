// Shared by the Chromium tests: finds a Chromium and launches it through
// playwright-core. Without Debian's (or one named by CHROMIUM_PATH), it takes
// the Chromium that the @sparticuz/chromium dev dependency ships inside its
// npm tarball, so a machine with only Node.js and npm runs them too: a
// Chromium test is never skipped.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';
import { beforeAll, describe } from 'vitest';

/** The npm package whose tarball holds a Chromium (headless shell) for linux-x64. */
const NPM_CHROMIUM = '@sparticuz/chromium';

/** Where a system Chromium lives: Debian's package first. */
const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

const root = fileURLToPath(new URL('..', import.meta.url));

/** A Chromium binary and the environment it needs. */
export interface ChromiumBinary {
  path: string;
  /** Where it came from, for messages: `CHROMIUM_PATH`, `system` or the npm package. */
  source: string;
  /** Added to the environment of the launched browser (the npm Chromium's libraries and fonts). */
  env: Record<string, string>;
}

/** Flags for a quiet, fast run in containers and CI (`--headless` is added unless headed). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** `CHROMIUM_HEADED=1` shows the browser window (a system Chromium and a display needed). */
const headed = process.env.CHROMIUM_HEADED === '1';

let found: ChromiumBinary | undefined;

/**
 * The Chromium the tests launch: `CHROMIUM_PATH` when set (the value
 * `@sparticuz/chromium` picks the npm one), else a system Chromium, else the
 * npm one, unpacked once into node_modules/.cache/chromium, unless
 * `CHROMIUM_SYSTEM=required` (`pnpm test:browsers`): then a missing system
 * Chromium fails with the command that installs it.
 */
export function findChromium(): ChromiumBinary {
  found ??= locateChromium();
  return found;
}

function locateChromium(): ChromiumBinary {
  const named = process.env.CHROMIUM_PATH;
  if (named === NPM_CHROMIUM) return npmChromium();
  if (named !== undefined && named !== '') {
    if (!existsSync(named)) {
      throw new Error(
        `CHROMIUM_PATH is ${named}, where no file is: point it at a Chromium binary, or unset it.`,
      );
    }
    return { path: named, source: 'CHROMIUM_PATH', env: {} };
  }
  const system = SYSTEM_CHROMIUMS.find((path) => existsSync(path));
  if (system !== undefined) return { path: system, source: 'system', env: {} };
  if (process.env.CHROMIUM_SYSTEM === 'required') {
    throw new Error(
      `No Chromium at ${SYSTEM_CHROMIUMS.join(' or ')}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH. The browser suite needs a full Chromium: under the headless shell of ${NPM_CHROMIUM}, axe-core finds no colour-contrast violation.`,
    );
  }
  return npmChromium();
}

/**
 * The Chromium of the npm package: its brotli-compressed binary, the NSS and
 * expat libraries it links (built for Amazon Linux 2023, found through
 * LD_LIBRARY_PATH) and a font, unpacked into a temporary directory renamed
 * into place, so that parallel test files never see half of it.
 */
function npmChromium(): ChromiumBinary {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `No Chromium found, and ${NPM_CHROMIUM} ships one for linux-x64 only (this is ${process.platform}-${process.arch}): install Chromium and set CHROMIUM_PATH.`,
    );
  }
  const packageDir = join(root, 'node_modules', NPM_CHROMIUM);
  const bin = join(packageDir, 'bin');
  if (!existsSync(join(bin, 'chromium.br'))) {
    throw new Error(
      `No Chromium found: install the workspace's dev dependencies (pnpm install), which bring ${NPM_CHROMIUM}, or apt-get install chromium.`,
    );
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache = join(root, 'node_modules', '.cache', 'chromium');
  const home = join(cache, version);
  const binary = join(home, 'chromium');
  if (!existsSync(binary)) {
    mkdirSync(cache, { recursive: true });
    const staging = mkdtempSync(join(cache, 'staging-'));
    writeFileSync(
      join(staging, 'chromium'),
      brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))),
    );
    chmodSync(join(staging, 'chromium'), 0o755);
    for (const archive of ['al2023.tar.br', 'fonts.tar.br']) {
      execFileSync('tar', ['-x', '-C', staging], {
        input: brotliDecompressSync(readFileSync(join(bin, archive))),
      });
    }
    // The package's fonts.conf names Lambda's folders: name the unpacked font instead.
    writeFileSync(
      join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${home}/fonts</dir>\n  <cachedir>${home}/fonts-cache</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, home);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(binary)) throw error;
    }
  }
  const libraries = [join(home, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return {
    path: binary,
    source: NPM_CHROMIUM,
    env: { LD_LIBRARY_PATH: libraries, FONTCONFIG_PATH: home },
  };
}

/** Launches Chromium (with `extraArgs` after the usual flags), headless unless `CHROMIUM_HEADED=1`. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (process.env.TEST_KIND === 'unit') {
    throw new Error(
      'A unit test file launches Chromium: name it *.browser.test.ts (pnpm test:browsers), or *.smoke.test.ts for one of the few logins pnpm test runs.',
    );
  }
  const binary = findChromium();
  if (headed && binary.source === NPM_CHROMIUM) {
    throw new Error(
      `CHROMIUM_HEADED=1 needs a Chromium with a window: ${NPM_CHROMIUM} is headless only. Install chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: binary.path,
    headless: !headed,
    args: [...(headed ? [] : ['--headless']), ...chromiumArgs, ...extraArgs],
    env: { ...process.env, ...binary.env },
  });
}

/**
 * `describe` for a suite that drives Chromium. It never skips: it finds the
 * Chromium before the suite's own hooks (unpacking the npm one on a first
 * run, which may take seconds), and fails with what to install when there is none.
 */
export function describeWithChromium(name: string, body: () => void): void {
  describe(name, () => {
    beforeAll(() => {
      findChromium();
    }, 120_000);
    body();
  });
}
