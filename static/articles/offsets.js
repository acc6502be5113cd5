// Offsets: the server counts Unicode code points, the DOM counts UTF-16 code units.
// Every conversion between the two goes through this module (no DOM here: selection.js
// turns DOM ranges into UTF-16 offsets).

const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

/** UTF-16 index of code point `cp` in `text` (clamped to the text). */
export function cpToUtf16(text, cp) {
  let u = 0;
  for (let i = 0; i < cp && u < text.length; i++) {
    const c = text.charCodeAt(u);
    u += c >= 0xd800 && c <= 0xdbff && u + 1 < text.length ? 2 : 1;
  }
  return u;
}

/** Code-point index of UTF-16 index `u` (an index inside a surrogate pair rounds down). */
export function utf16ToCp(text, u) {
  let cp = 0;
  let i = 0;
  const stop = Math.min(u, text.length);
  while (i < stop) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length;
    if (pair && i + 2 > stop) break;
    i += pair ? 2 : 1;
    cp++;
  }
  return cp;
}

/** Number of code points in `text`. */
export function cpLength(text) {
  return utf16ToCp(text, text.length);
}

/**
 * Constant-time conversions for one text: tables are built once, and not at all when the
 * text has no astral characters (then both offsets are the same).
 */
export class OffsetMap {
  constructor(text) {
    this.text = text;
    this.simple = !ASTRAL.test(text);
    if (this.simple) {
      this.length = text.length;
      return;
    }
    const toU16 = [];
    const toCp = new Uint32Array(text.length + 1);
    let cp = 0;
    for (let u = 0; u < text.length; cp++) {
      toU16.push(u);
      const c = text.charCodeAt(u);
      const pair = c >= 0xd800 && c <= 0xdbff && u + 1 < text.length;
      toCp[u] = cp;
      if (pair) toCp[u + 1] = cp; // inside a pair: round down
      u += pair ? 2 : 1;
    }
    toU16.push(text.length);
    toCp[text.length] = cp;
    this.length = cp;
    this._toU16 = Uint32Array.from(toU16);
    this._toCp = toCp;
  }

  toUtf16(cp) {
    if (cp <= 0) return 0;
    if (this.simple) return Math.min(cp, this.text.length);
    return this._toU16[Math.min(cp, this.length)];
  }

  toCp(u) {
    if (u <= 0) return 0;
    if (this.simple) return Math.min(u, this.text.length);
    return this._toCp[Math.min(u, this.text.length)];
  }
}

/** `u` moved past the low half when it ends inside a surrogate pair (an end offset that
 * splits a character includes the whole character). */
export function roundUpPair(text, u) {
  const c = text.charCodeAt(u - 1);
  return c >= 0xd800 && c <= 0xdbff ? u + 1 : u;
}

/** The code-point boundary of the next/previous word from `cp` (for Ctrl+Arrow). */
export function wordBoundary(text, map, cp, direction) {
  let u = map.toUtf16(cp);
  const isWord = (ch) => /[\p{L}\p{N}\p{M}_'’-]/u.test(ch);
  if (direction > 0) {
    while (u < text.length && !isWord(text[u])) u++;
    while (u < text.length && isWord(text[u])) u++;
  } else {
    while (u > 0 && !isWord(text[u - 1])) u--;
    while (u > 0 && isWord(text[u - 1])) u--;
  }
  return map.toCp(u);
}

/** One code point forward/back from `cp`. */
export function stepCp(map, cp, direction) {
  return Math.max(0, Math.min(map.length, cp + direction));
}
