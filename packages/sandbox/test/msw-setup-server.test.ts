import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAppleMusicApiHandlers, createUserTokenRegistry } from '../src/index.js';
import { createKeyPair, KEY_ID, signDeveloperToken, TEAM_ID } from './support/developer-tokens.js';

const keys = await createKeyPair();
const userTokens = createUserTokenRegistry();
const server = setupServer(
  ...createAppleMusicApiHandlers({
    teamId: TEAM_ID,
    keyId: KEY_ID,
    publicKey: keys.publicKey,
    userTokens,
    storefront: 'jp',
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('answers requests to api.music.apple.com in-process under setupServer', async () => {
  const developerToken = await signDeveloperToken(keys.privateKey);
  const userToken = userTokens.issue({ restricted: true });
  expect(userTokens.lookup(userToken)).toMatchObject({ restricted: true });

  const response = await fetch('https://api.music.apple.com/v1/me/storefront?l=en-US', {
    headers: { authorization: `Bearer ${developerToken}`, 'music-user-token': userToken },
  });
  expect(response.status).toBe(200);
  expect((await response.json()).data[0]).toMatchObject({
    id: 'jp',
    attributes: { name: 'Japan', defaultLanguageTag: 'ja-JP' },
  });

  userTokens.revoke(userToken);
  const revoked = await fetch('https://api.music.apple.com/v1/me/storefront', {
    headers: { authorization: `Bearer ${developerToken}`, 'music-user-token': userToken },
  });
  expect(revoked.status).toBe(403);
});

it('refuses malformed options when the handlers are created', () => {
  const base = { teamId: TEAM_ID, keyId: KEY_ID, publicKey: keys.publicKey };
  expect(() => createAppleMusicApiHandlers({ ...base, storefront: 'xx' as 'us' })).toThrow(
    /storefront "xx" is not one the sandbox knows/,
  );
  expect(() =>
    createAppleMusicApiHandlers({ ...base, subscription: 'no' as unknown as boolean }),
  ).toThrow(/subscription must be true or false/);
});
