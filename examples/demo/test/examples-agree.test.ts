// The four examples agree (issue 21): one name each, everywhere; the same
// home page; core's failure page; an inline icon on every page; and hints
// that name a command the quick start installed, never a bare `pnpm`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../demo.js';

type Demo = Awaited<ReturnType<typeof startDemo>>;

const examplesDir = fileURLToPath(new URL('../..', import.meta.url));
/** Each example's folder, in the order the demo lists them. */
const FOLDERS = ['node-http', 'express-passport', 'fastify', 'koa'] as const;

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo({ port: 0, env: {} });
});
afterAll(async () => {
  await demo?.close();
});

const text = async (url: string) => (await fetch(url)).text();
const escaped = (name: string) => name.replaceAll('&', '&amp;');

describe('the examples', () => {
  it('each have one name: package, README title, landing page, page titles, bridge page', async () => {
    const landing = await text(demo.url);
    expect(demo.examples.map((example) => example.name)).toEqual([
      'node:http example',
      'Express + Passport example',
      'Fastify example',
      'Koa example',
    ]);
    for (const [index, folder] of FOLDERS.entries()) {
      const { name, url } = demo.examples[index] as Demo['examples'][number];
      const manifest = JSON.parse(readFileSync(join(examplesDir, folder, 'package.json'), 'utf8'));
      expect(manifest.name).toBe(`@apple-music-auth/example-${folder}`);
      const readme = readFileSync(join(examplesDir, folder, 'README.md'), 'utf8');
      expect(readme.split('\n')[0]).toBe(`# ${name}`);
      expect(landing).toContain(`>${escaped(name)}</a>`);
      expect(await text(`${url}/`)).toContain(
        `<title>Connect Apple Music · ${escaped(name)}</title>`,
      );
      expect(await text(`${url}/musickit`)).toContain(`· ${escaped(name)}</title>`);
      // Apple's popup and the bridge page show the same name.
      expect(await text(`${url}/auth/apple-music`)).toContain(`<h1>${escaped(name)}</h1>`);
    }
  });

  it('share one home page layout, the name aside', async () => {
    const homes = await Promise.all(
      demo.examples.map(async ({ name, url }) =>
        (await text(`${url}/`)).replaceAll(escaped(name), 'EXAMPLE'),
      ),
    );
    for (const home of homes) expect(home).toBe(homes[0]);
  });

  it("end a failed login on core's failure page, with Try again, Back to the app and the code", async () => {
    for (const { url } of demo.examples) {
      const callback = await fetch(`${url}/auth/apple-music/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'error=access_denied&state=forged',
        redirect: 'manual',
      });
      expect(callback.status, url).toBe(303);
      const location = callback.headers.get('location') ?? '';
      expect(location, url).toMatch(/^\/auth\/apple-music\?error=ERR_STATE_[A-Z]+$/);
      const failure = await text(`${url}${location}`);
      expect(failure, url).toContain('>Try again</a>');
      expect(failure, url).toContain('>Back to the app</a>');
      expect(failure, url).toMatch(/Error code: <code>ERR_STATE_[A-Z]+<\/code>/);
    }
  });

  it('put an inline icon on every page: landing, home, MusicKit, bridge and failure pages', async () => {
    const pages = [
      demo.url,
      ...demo.examples.flatMap(({ url }) => [
        `${url}/`,
        `${url}/musickit`,
        `${url}/auth/apple-music`,
        `${url}/auth/apple-music?error=ERR_CANCELLED`,
      ]),
    ];
    for (const page of pages) {
      const response = await fetch(page);
      expect(await response.text(), page).toMatch(
        /<link rel="icon" href="data:image\/svg\+xml,%3Csvg[^"]+">/,
      );
      const csp = response.headers.get('content-security-policy');
      if (csp !== null) expect(csp, page).toMatch(/(?:^|;\s*)img-src [^;]*\bdata:/);
    }
  });

  it('never tell the user to run a bare `pnpm` (the quick start installs none)', () => {
    const files = ['demo', 'shared', ...FOLDERS].flatMap((folder) =>
      (readdirSync(join(examplesDir, folder), { recursive: true }) as string[])
        .filter((file) => /\.(?:js|md|json)$/.test(file) && !file.includes('node_modules'))
        .map((file) => join(folder, file)),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const source = readFileSync(join(examplesDir, file), 'utf8');
      expect(source.match(/\bpnpm (?:\w|-)/g) ?? [], file).toEqual([]);
    }
  });
});
