/**
 * What the bridge page's script reads from its JSON block: the one contract
 * between `renderBridgePage` (server) and `bridge-app` (browser).
 */
export interface BridgeConfig {
  /** `'popup'` speaks Apple's popup protocol itself; `'musickit'` goes through MusicKit JS v3. */
  ui: 'popup' | 'musickit';
  /** The app's name, shown in Apple's popup. */
  appName: string;
  /** Absolute URL of the app's icon, shown in Apple's popup. */
  appIconURL?: string;
  /** The app build MusicKit is configured with. */
  appBuild: string;
  /** The browser-facing developer token. */
  developerToken: string;
  /** The signed login state, posted back with the result. */
  state: string;
  /** Where the result is posted (a form POST, never a URL parameter). */
  callbackURL: string;
  /** The popup page (Apple's or the sandbox's). */
  authorizeURL: string;
  /** The origin the popup's messages must come from. */
  authorizeOrigin: string;
  /** The Apple team id, for MusicKit's cached-token key (musickit mode only). */
  teamId?: string;
}

/** The `id` of the `<script type="application/json">` block that holds the {@link BridgeConfig}. */
export const BRIDGE_CONFIG_ELEMENT_ID = 'apple-music-auth-config';

/** The `id` of the "Continue with Apple Music" button. */
export const BRIDGE_BUTTON_ID = 'apple-music-auth-continue';

/** The `id` of the `aria-live` status line. */
export const BRIDGE_STATUS_ID = 'apple-music-auth-status';
