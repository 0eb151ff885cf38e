// Shared by the examples' Chromium tests: the Back-button attack on Apple's
// redirect variant (docs/protocol.md section 7), through each example's own
// adapter. The victim follows a link from an attacker's page to the login,
// clicks Continue (Apple's popup opens), then presses Back; the attacker's
// page, on `pageshow`, sends the tab to the login route with a result of the
// attacker's own account in the fragment. No attempt id of this tab is in
// that URL, so the bridge page must ignore it and nobody is logged in.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';

const LOGIN_PATH = '/auth/apple-music';
const CALLBACK_PATH = '/auth/apple-music/callback';

/** What the test runs against: the page, the example, and its sandbox. */
export interface ForgedFragmentTarget {
  page: Page;
  exampleURL: string;
  sandbox: { issueToken(): string; setOutcome(outcome: 'manual'): void };
}

/** The attacker's site on `localhost` (the examples listen on 127.0.0.1: another origin). */
async function serveAttacker(link: string, forgedURL: string) {
  const page = `<!doctype html><title>Win a prize</title><a id="go" href=${JSON.stringify(link)}>Claim it</a><script>
    document.getElementById('go').addEventListener('click', () => sessionStorage.setItem('left', '1'));
    addEventListener('pageshow', () => { if (sessionStorage.getItem('left')) location.href = ${JSON.stringify(forgedURL)}; });
  </script>`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((done) => server.close(done)),
  };
}

/**
 * Registers the Back-button test in the calling suite. `target` is read when
 * the test runs, after the suite's hooks.
 */
export function itIgnoresAForgedFragmentAfterBack(target: () => ForgedFragmentTarget): void {
  it('ignores a forged fragment that the attacker’s page sends the tab to after Back', async () => {
    const { page, exampleURL, sandbox } = target();
    const attackerToken = sandbox.issueToken();
    const result = JSON.stringify({ itre: '0', musicUserToken: attackerToken, cid: 'c' });
    const forgedURL = `${exampleURL}${LOGIN_PATH}?r=1#${Buffer.from(result).toString('base64')}`;
    const posted: string[] = [];
    page.context().on('request', (request) => {
      if (new URL(request.url()).pathname === CALLBACK_PATH) posted.push(request.postData() ?? '');
    });
    const attacker = await serveAttacker(`${exampleURL}${LOGIN_PATH}`, forgedURL);
    try {
      sandbox.setOutcome('manual');
      await page.goto(attacker.url);
      await Promise.all([page.waitForURL(`${exampleURL}${LOGIN_PATH}`), page.click('#go')]);
      const button = page.getByRole('button', { name: 'Continue with Apple Music' });
      await expect.poll(() => button.isEnabled()).toBe(true);
      await Promise.all([page.waitForEvent('popup'), button.click()]);

      await page.goBack();
      await page.waitForURL((url) => url.origin === exampleURL && url.searchParams.has('r'));
      const seen = () =>
        page.evaluate(() => {
          const button = document.getElementById('apple-music-auth-continue');
          return {
            path: location.pathname,
            hash: location.hash,
            status: document.getElementById('apple-music-auth-status')?.textContent,
            buttonEnabled: button instanceof HTMLButtonElement && !button.disabled,
          };
        });
      await expect
        .poll(seen)
        .toEqual({ path: LOGIN_PATH, hash: '', status: '', buttonEnabled: true });
      expect(posted.filter((body) => body.includes('music_user_token'))).toEqual([]);
      await page.goto(exampleURL);
      expect(await page.locator('#status').textContent()).toBe('Not connected.');
    } finally {
      await attacker.close();
    }
  });
}
