// Whitespace as the server sees it: Python's str.isspace(), which is not JavaScript's /\s/
// (Python counts U+001C–U+001F and U+0085; /\s/ counts U+FEFF). Every character that
// isspace() accepts is in the Basic Multilingual Plane, so testing one UTF-16 unit is exact.
// The table tests/data/whitespace.json holds both answers; tests in Python and Node read it.

export const SPACE_CLASS =
  "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE = new RegExp(`[${SPACE_CLASS}]`);

/** Whether `ch`, one UTF-16 unit (a string of length 1), is whitespace. */
export function isSpace(ch) {
  return ch?.length === 1 && SPACE.test(ch);
}

/** [u0, u1) (UTF-16) shrunk so it neither starts nor ends with whitespace; u0 === u1 when
 * it held only whitespace. The same rule as the server's trim_span. */
export function trimUtf16(text, u0, u1) {
  while (u0 < u1 && isSpace(text[u0])) u0++;
  while (u1 > u0 && isSpace(text[u1 - 1])) u1--;
  return [u0, u1];
}
