/** JSON's insignificant whitespace. */
const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * The keys of a JSON object's top level, in the order the text gives them,
 * a repeated key as often as it appears (`JSON.parse` keeps only its last
 * value). `text` must be valid JSON whose root is an object: parse it first.
 */
export function jsonObjectKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      const start = index;
      index += 1;
      while (text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
      if (depth === 1 && nextSignificant(text, index + 1) === ':') {
        keys.push(JSON.parse(text.slice(start, index + 1)) as string);
      }
    } else if (char === '{' || char === '[') {
      depth += 1;
    } else if (char === '}' || char === ']') {
      depth -= 1;
    }
  }
  return keys;
}

/** The first character from `index` on that is not whitespace. */
function nextSignificant(text: string, index: number): string | undefined {
  let at = index;
  while (at < text.length && JSON_WHITESPACE.has(text[at] as string)) at += 1;
  return text[at];
}
