// Readable colours from a label's colour. Admins pick label colours freely, so the page
// cannot rely on them being dark enough: every colour drawn from a label is derived here,
// darkened just enough to reach the WCAG AA ratio it needs (text and chips 4.5:1,
// underlines and focus rings 3:1) against the light background it sits on. Pure: no DOM.

export const TEXT_RATIO = 4.5;
export const LINE_RATIO = 3;
// What darkenTo() aims for above the ratio asked, so rounding in a browser or a checker
// (axe-core) never finds a colour a hair under it.
const MARGIN = 0.08;
const FALLBACK = [107, 114, 128]; // a label colour that does not parse: neutral grey
const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];

/** "#rrggbb" (or "#rgb") → [r, g, b]; null when it is not a hex colour. */
export function parseHex(hex) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex ?? "").trim());
  if (!m) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

export function toHex(rgb) {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** `t` of the way from colour a to colour b, per sRGB channel (as CSS color-mix in srgb). */
export function mix(a, b, t) {
  return a.map((c, i) => Math.round(c + (b[i] - c) * t));
}

function channel(c) {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of an [r, g, b] colour. */
export function luminance([r, g, b]) {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * `color`, darkened towards black only as far as needed to reach `ratio` (with a small
 * margin) against the light background `bg`; unchanged when it already reaches `ratio`. The mix towards black is searched by
 * halving, on whole sRGB steps, so the result keeps as much of the hue as it can.
 */
export function darkenTo(color, bg, ratio) {
  if (contrast(color, bg) >= ratio) return color;
  ratio += MARGIN;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 12; i++) {
    const t = (lo + hi) / 2;
    if (contrast(mix(color, BLACK, t), bg) >= ratio) hi = t;
    else lo = t;
  }
  // Rounding to whole channels can land a hair short: step on until it is really there.
  let out = mix(color, BLACK, hi);
  for (let t = hi; contrast(out, bg) < ratio && t < 1; t = Math.min(1, t + 0.01)) out = mix(color, BLACK, t);
  return out;
}

/**
 * Every colour the editor draws for a label of colour `hex` on a page background `page`:
 *  - `line`: the underline, ≥ 3:1 against the page and the accepted tint it may sit on;
 *  - `tint`: an accepted span's background, `focusTint` the focused span's;
 *  - `ring`: the focused span's outline, ≥ 3:1 against the focused tint and the page;
 *  - `chipBg`, `chipFg`, `chipBorder`: the label chip, its text ≥ 4.5:1 against its fill.
 * Article text (near black) stays ≥ 4.5:1 on both tints: they are light mixes.
 */
export function labelPalette(hex, page = "#ffffff") {
  const c = parseHex(hex) ?? FALLBACK;
  const bg = parseHex(page) ?? WHITE;
  const tint = mix(bg, c, 0.14);
  const focusTint = mix(bg, c, 0.24);
  const chipBg = mix(bg, c, 0.1);
  return {
    line: toHex(darkenTo(c, tint, LINE_RATIO)),
    tint: toHex(tint),
    focusTint: toHex(focusTint),
    ring: toHex(darkenTo(c, focusTint, LINE_RATIO)),
    chipBg: toHex(chipBg),
    chipFg: toHex(darkenTo(c, chipBg, TEXT_RATIO)),
    chipBorder: toHex(mix(bg, c, 0.45)),
  };
}
