/** Core's option names, as the CLI's flags spell them. */
const FLAG_BY_OPTION: Readonly<Record<string, string>> = {
  teamId: '--team-id',
  keyId: '--key-id',
  expiresIn: '--expires-in',
  origins: '--origin',
  apiURL: '--api-url',
  developerToken: '--developer-token',
  musicUserToken: '--music-user-token',
};

/**
 * Names the flag instead of core's option in core's option errors: core
 * writes "Invalid option \`teamId\`: …" (or \`origins[0]\`), the user typed
 * `--team-id`.
 */
export function withFlagNames(message: string): string {
  return message.replace(/^Invalid option `([A-Za-z]+)(?:\[\d+\])?`/, (whole, option: string) => {
    const flag = FLAG_BY_OPTION[option];
    return flag === undefined ? whole : `Invalid option \`${flag}\``;
  });
}
