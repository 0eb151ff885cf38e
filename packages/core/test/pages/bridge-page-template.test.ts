import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderBridgePage } from '../../src/pages/bridge-page.js';
import { compileBridgePage } from '../../src/pages/bridge-page-template.js';

const options = {
  appName: 'Café & Co',
  appIconURL: 'https://cdn.example/icon.png',
  developerToken: [12, 40, 64].map((size) => randomBytes(size).toString('base64url')).join('.'),
  callbackURL: 'https://app.example/auth/apple-music/callback',
  ui: 'musickit' as const,
  teamId: 'TEAM123456',
};

/** The CSP nonce a page's headers name for its scripts. */
function nonceOf(page: { headers: Record<string, string> }): string {
  return /'nonce-([^']+)'/.exec(page.headers['Content-Security-Policy'] ?? '')?.[1] ?? '';
}

describe('compileBridgePage', () => {
  it('renders exactly what renderBridgePage renders for the same state and nonce', () => {
    const template = compileBridgePage(options);
    for (const state of [
      `${randomBytes(30).toString('base64url')}.${randomBytes(60).toString('base64url')}.x`,
      'a',
    ]) {
      const page = template.render(state);
      const nonce = nonceOf(page);
      expect(page).toEqual(renderBridgePage({ ...options, state, nonce }));
    }
  });

  it('gives every login a fresh CSP nonce in the headers and every script and style', () => {
    const template = compileBridgePage(options);
    const first = template.render('state-one');
    const second = template.render('state-two');
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    const nonce = nonceOf(second);
    expect(second.body.match(/nonce="([^"]+)"/g)).toEqual(
      Array.from({ length: 4 }, () => `nonce="${nonce}"`),
    );
    expect(second.body).toContain('"state":"state-two"');
    expect(second.body).not.toContain('state-one');
  });

  it('escapes a state with other characters (a custom store) as a full render does', () => {
    const state = '</script><script>alert(1)</script>';
    const page = compileBridgePage(options).render(state);
    expect(page.body).not.toContain(state);
    expect(page).toEqual(renderBridgePage({ ...options, state, nonce: nonceOf(page) }));
  });

  it('remembers the developer token it was rendered with', () => {
    expect(compileBridgePage(options).developerToken).toBe(options.developerToken);
  });
});
