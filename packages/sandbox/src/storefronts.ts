/** A storefront as `GET /v1/me/storefront` describes it. */
export interface SandboxStorefront {
  /** Two-letter lowercase id, e.g. `us`. */
  id: string;
  /** Display name, e.g. `United States`. */
  name: string;
  /** Default language tag, e.g. `en-US`. */
  defaultLanguageTag: string;
  /** Language tags the storefront supports, default first. */
  supportedLanguageTags: string[];
  /** Whether explicit content is `allowed`, `opt-in` or `prohibited`. */
  explicitContentPolicy: 'allowed' | 'opt-in' | 'prohibited';
}

/** Storefronts the sandbox knows by id; pass a {@link SandboxStorefront} object for any other. */
export const KNOWN_STOREFRONTS = {
  us: storefront('us', 'United States', ['en-US', 'es-MX']),
  gb: storefront('gb', 'United Kingdom', ['en-GB']),
  ca: storefront('ca', 'Canada', ['en-CA', 'fr-CA']),
  au: storefront('au', 'Australia', ['en-AU']),
  de: storefront('de', 'Germany', ['de-DE', 'en-GB']),
  fr: storefront('fr', 'France', ['fr-FR', 'en-GB']),
  jp: storefront('jp', 'Japan', ['ja-JP', 'en-US']),
} as const satisfies Record<string, SandboxStorefront>;

/** Id of a storefront in {@link KNOWN_STOREFRONTS}. */
export type KnownStorefrontId = keyof typeof KNOWN_STOREFRONTS;

/**
 * Resolves the `storefront` option: an id from {@link KNOWN_STOREFRONTS}
 * (default `us`) or a complete {@link SandboxStorefront}.
 *
 * @throws Error for an unknown id or an incomplete object.
 */
export function resolveStorefront(
  input: KnownStorefrontId | SandboxStorefront | undefined,
): SandboxStorefront {
  if (input === undefined) return KNOWN_STOREFRONTS.us;
  if (typeof input === 'string') {
    if (Object.hasOwn(KNOWN_STOREFRONTS, input)) return KNOWN_STOREFRONTS[input];
    throw new Error(
      `storefront "${String(input).slice(0, 20)}" is not one the sandbox knows (${Object.keys(KNOWN_STOREFRONTS).join(', ')}); pass a full object { id, name, defaultLanguageTag, supportedLanguageTags, explicitContentPolicy } instead.`,
    );
  }
  const complete =
    typeof input === 'object' &&
    input !== null &&
    typeof input.id === 'string' &&
    /^[a-z]{2}$/.test(input.id) &&
    typeof input.name === 'string' &&
    typeof input.defaultLanguageTag === 'string' &&
    Array.isArray(input.supportedLanguageTags) &&
    ['allowed', 'opt-in', 'prohibited'].includes(input.explicitContentPolicy);
  if (!complete) {
    throw new Error(
      'storefront must be a known id such as "us" or an object { id (two lowercase letters), name, defaultLanguageTag, supportedLanguageTags, explicitContentPolicy ("allowed", "opt-in" or "prohibited") }.',
    );
  }
  return {
    id: input.id,
    name: input.name,
    defaultLanguageTag: input.defaultLanguageTag,
    supportedLanguageTags: [...input.supportedLanguageTags],
    explicitContentPolicy: input.explicitContentPolicy,
  };
}

function storefront(id: string, name: string, supportedLanguageTags: string[]): SandboxStorefront {
  const [defaultLanguageTag = 'en-US'] = supportedLanguageTags;
  return { id, name, defaultLanguageTag, supportedLanguageTags, explicitContentPolicy: 'allowed' };
}
