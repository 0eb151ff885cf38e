/**
 * Apple's answer to `GET /v1/me/storefront` for a US account, exactly as
 * docs/protocol.md section 6 gives it.
 */
export const storefrontResponse = {
  data: [
    {
      id: 'us',
      type: 'storefronts',
      href: '/v1/storefronts/us',
      attributes: {
        name: 'United States',
        defaultLanguageTag: 'en-US',
        explicitContentPolicy: 'allowed',
        supportedLanguageTags: ['en-US', 'es-MX'],
      },
    },
  ],
};

/** The storefront that `verifyMusicUserToken` reads out of {@link storefrontResponse}. */
export const expectedStorefront = {
  id: 'us',
  name: 'United States',
  defaultLanguageTag: 'en-US',
  explicitContentPolicy: 'allowed',
};
