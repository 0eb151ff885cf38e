// The demo in Chromium: the landing page says which Apple it talks to and
// links every example, and passes axe-core. (A login through each example
// against the demo's one sandbox is logins.smoke.test.ts, in `pnpm test`.)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { violationsInEveryLook } from '../../../testing/accessibility.js';
import { describeWithChromium, launchChromium } from '../../../testing/chromium.js';
import { startDemo } from '../demo.js';

type Demo = Awaited<ReturnType<typeof startDemo>>;

describeWithChromium('the demo in Chromium', () => {
  let browser: Browser;
  let demo: Demo;

  beforeAll(async () => {
    browser = await launchChromium();
    demo = await startDemo({ port: 0, env: {} });
    demo.apple.sandbox?.setOutcome('allow');
  });
  afterAll(async () => {
    await demo?.close();
    await browser?.close();
  });

  it('links every example from the landing page and says it talks to the sandbox', async () => {
    const page = await browser.newPage();
    await page.goto(demo.url);
    expect(await page.locator('#apple').textContent()).toContain('sandbox');
    const links = await page
      .locator('#examples a')
      .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    expect(links).toEqual(demo.examples.map((example) => `${example.url}/`));
    await page.close();
  });

  it('has a landing page that passes axe-core (WCAG 2.1 AA) in every look', async () => {
    const found = await violationsInEveryLook(browser, demo.url);
    expect(Object.values(found).flat()).toEqual([]);
  });
});

it('`node examples/demo` prints one URL, no framework log on failed logins, and stops on Ctrl-C with a "stopped" line', async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('..', import.meta.url))], {
    env: { PATH: process.env.PATH, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  while (!stdout.includes('Ctrl-C to stop.')) await once(child.stdout, 'data');
  const url = /^Open (\S+)$/m.exec(stdout)?.[1] ?? '';
  const landing = await fetch(url);
  expect(landing.status).toBe(200);
  // A failed login in every example (as Decline, Close or Switch account end)
  // prints no framework log line in the demo's terminal.
  const examples = [...(await landing.text()).matchAll(/<a href="(http:[^"]+)\/">/g)].map(
    ([, example]) => example as string,
  );
  expect(examples).toHaveLength(4);
  for (const example of examples) {
    const callback = await fetch(`${example}/auth/apple-music/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'error=access_denied&state=forged',
      redirect: 'manual',
    });
    expect(callback.status).toBe(303);
  }
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
  expect(stdout).toMatch(/^Open http:\/\/127\.0\.0\.1:\d+\nCtrl-C to stop\.\nDemo stopped\.\n$/);
});
