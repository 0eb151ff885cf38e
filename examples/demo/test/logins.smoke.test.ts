// The Chromium check `pnpm test` runs: one login through each adapter's
// example (core on node:http, Express + Passport, Fastify, Koa) in each ui
// mode (Apple's popup opened by the bridge page, and MusicKit JS in the page),
// each against the demo's one sandbox. Every other Chromium test is a
// *.browser.test.ts, in `pnpm test:browsers`.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../testing/chromium.js';
import { connectFromHome } from '../../../testing/example-chromium.js';
import { startDemo } from '../demo.js';

type Demo = Awaited<ReturnType<typeof startDemo>>;

const UI_MODES = ['popup', 'musickit'] as const;

describeWithChromium('a login through every example in Chromium, in each ui mode', () => {
  let browser: Browser;
  const demos = new Map<(typeof UI_MODES)[number], Demo>();

  beforeAll(async () => {
    browser = await launchChromium();
    for (const ui of UI_MODES) {
      const demo = await startDemo({ port: 0, env: {}, auth: { ui } });
      demo.apple.sandbox?.setOutcome('allow');
      demos.set(ui, demo);
    }
  });
  afterAll(async () => {
    for (const demo of demos.values()) await demo.close();
    await browser?.close();
  });

  const cases = UI_MODES.flatMap((ui) =>
    ['node:http example', 'Express + Passport example', 'Fastify example', 'Koa example'].map(
      (name) => ({ ui, name }),
    ),
  );

  it.each(cases)('$name, ui: $ui', async ({ ui, name }) => {
    const demo = demos.get(ui) as Demo;
    const example = demo.examples.find((candidate) => candidate.name === name);
    if (example === undefined) throw new Error(`The demo has no example named ${name}`);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      const popup = await connectFromHome(page, example.url);
      // The popup is Apple's (the sandbox's) page, whichever code opened it.
      expect(new URL(popup.url()).origin).toBe(demo.apple.sandbox?.authorizeOrigin);
      // Back in the app: its home page, the same in every example.
      await page.waitForURL(`${example.url}/`);
      expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
      // The bridge page ran in the mode asked for: only musickit mode loads MusicKit JS.
      expect(requested.includes(demo.apple.endpoints.musicKitScript as string)).toBe(
        ui === 'musickit',
      );
    } finally {
      await context.close();
    }
  });
});
