// Builds popup URLs the way docs/protocol.md section 1 says, independently of any
// library code: `a` is standard base64 of the JSON text with every non-ASCII
// character escaped as \uXXXX (ASCII only, as Apple's page decodes with atob).

export interface PopupURLFields {
  token: string;
  name?: string;
  icon?: string;
  referrer: string;
  app?: string;
  p?: string;
}

/** Standard base64 of the \u-escaped JSON {thirdPartyIconURL, thirdPartyName, thirdPartyToken}. */
export function encodeA(fields: { token: string; name?: string; icon?: string }): string {
  const json = JSON.stringify({
    thirdPartyIconURL: fields.icon,
    thirdPartyName: fields.name,
    thirdPartyToken: fields.token,
  });
  const ascii = json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return Buffer.from(ascii, 'latin1').toString('base64');
}

/** `${authorizeURL}?a=…&referrer=…&app=music&p=subscribe`, or with a raw `a`. */
export function popupURL(authorizeURL: string, fields: PopupURLFields, rawA?: string): string {
  const pairs: [string, string][] = [
    ['a', rawA ?? encodeA(fields)],
    ['referrer', fields.referrer],
    ['app', fields.app ?? 'music'],
    ['p', fields.p ?? 'subscribe'],
  ];
  const query = pairs
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${authorizeURL}?${query}`;
}
