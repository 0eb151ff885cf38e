/** What Apple's popup hands back on success. */
export interface MusicUserTokenResult {
  /** The Music User Token. Not a stable user id: it changes on every authorization. */
  musicUserToken: string;
  /** True when the account has parental content restrictions. */
  restricted: boolean;
}
