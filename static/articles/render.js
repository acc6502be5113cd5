// Drawing the article text with its spans. The text is drawn in blocks of whole paragraphs
// (content-visibility skips the ones off screen), each paragraph its own element so the
// breaks show; a change redraws only the blocks it touches. Each span is one nested
// element per segment it covers, drawing its own underline (label colour and pattern) on
// its own track below the text; the element where a span starts carries its accessible
// name. At the end: DOM points and ranges ↔ offsets (selections, the pointer).
import { labelPalette } from "./colors.js";
import { assignAllTracks, assignTrack } from "./order.js";
import { roundUpPair, utf16ToCp } from "./offsets.js";
import { spanName } from "./spans.js";

// Text drawn with its spans before the first paint (about two screens); the blocks after it
// are plain text until drawTheRest() fills them in slices, so a long article shows its top
// without building every span element first.
const FIRST_CHARS = 6000;
const BLOCK_CHARS = 1500;
const SLICE_MS = 12;
const MAX_TRACKS = 8;

/** First entry of `list` (sorted, covering the text) whose end is beyond u. */
export function indexAt(list, u) {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].e <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createTextView({ root, text, store, labels, focusKey }) {
  let chunks = []; // [{s, e, el, segs: [{s, e, el}], later}] covering the whole text, in order
  const segOf = new WeakMap(); // seg element -> its entry
  let maxTrack = 0;

  function setMaxTrack(t) {
    maxTrack = t;
    root.style.setProperty("--tracks", String(Math.min(t + 1, MAX_TRACKS)));
  }

  // Every colour comes from the label's through labelPalette() (readable whatever colour an
  // admin picked); editor.css says how each status uses them.
  function installLabelStyles() {
    const css = [];
    for (const l of labels.list) {
      const p = labelPalette(l.color);
      const vars = `--line:${p.line};--tint:${p.tint};--ftint:${p.focusTint};--ring:${p.ring}`;
      const chip = `--chip-fg:${p.chipFg};--chip-bg:${p.chipBg};--chip-border:${p.chipBorder}`;
      css.push(
        `.L${l.idx}{${vars};text-decoration-style:${l.pattern}}`,
        `[data-label-swatch="${CSS.escape(l.name)}"],.chip-${l.idx}{${chip};--line:${p.line};--pattern:${l.pattern}}`,
      );
    }
    for (let t = 0; t < MAX_TRACKS; t++) css.push(`.t${t}{text-underline-offset:${3 + t * 4}px}`);
    // A constructed sheet, not a <style> element: a Content-Security-Policy without
    // 'unsafe-inline' styles blocks the latter.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css.join("\n"));
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }

  function spanClass(o, edges) {
    const l = labels.get(o.label);
    const focus = o.key === focusKey() ? " focus" : "";
    return `sp L${l ? l.idx : 0} t${Math.min(o.track ?? 0, MAX_TRACKS - 1)} st-${o.status}${edges}${focus}`;
  }

  /** Ends of the text's paragraphs (just after each run of line breaks) inside (a, b). */
  function paragraphEnds(a, b) {
    const ends = [];
    const breaks = /\n+/g;
    breaks.lastIndex = a;
    let m;
    while ((m = breaks.exec(text)) && m.index < b) {
      const e = m.index + m[0].length;
      if (e < b) ends.push(e);
    }
    return ends;
  }

  /** Segment elements for [a, b), in one element per paragraph: boundaries at every span
   * edge and paragraph end, one nested element per covering span (outer = lower underline
   * track); s0/s1 mark the segments where a span starts and ends (its focus ring's sides). */
  function buildSegments(a, b, candidates) {
    const inRegion = [];
    for (const o of candidates) if (o.u0 < b && o.u1 > a) inRegion.push(o);
    const paraEnds = paragraphEnds(a, b);
    const cuts = new Set([a, b, ...paraEnds]);
    for (const o of inRegion) {
      if (o.u0 > a) cuts.add(o.u0);
      if (o.u1 < b) cuts.add(o.u1);
    }
    const points = [...cuts].sort((x, y) => x - y);
    inRegion.sort((x, y) => x.u0 - y.u0);
    const out = [];
    const frag = document.createDocumentFragment();
    const newPara = () => frag.appendChild(document.createElement("p"));
    let para = newPara();
    let nextEnd = 0;
    let active = [];
    let next = 0;
    for (let i = 0; i < points.length - 1; i++) {
      const s = points[i];
      const e = points[i + 1];
      if (s === paraEnds[nextEnd]) {
        para = newPara();
        nextEnd++;
      }
      active = active.filter((o) => o.u1 > s);
      while (next < inRegion.length && inRegion[next].u0 <= s) {
        if (inRegion[next].u1 > s) active.push(inRegion[next]);
        next++;
      }
      const seg = document.createElement("span");
      seg.className = "seg";
      let inner = seg;
      if (active.length) {
        const covering = active.slice().sort((x, y) => y.track - x.track);
        for (const o of covering) {
          const el = document.createElement("span");
          el.className = spanClass(o, (o.u0 === s ? " s0" : "") + (o.u1 === e ? " s1" : ""));
          el.dataset.spanId = String(o.id);
          el.dataset.key = o.key;
          if (o.u0 === s) {
            el.setAttribute("role", "group");
            el.setAttribute("aria-label", spanName(o, { withText: false }));
          }
          inner.append(el);
          inner = el;
        }
      }
      inner.append(text.slice(s, e));
      para.append(seg);
      const entry = { s, e, el: seg };
      segOf.set(seg, entry);
      out.push(entry);
    }
    return { frag, out };
  }

  function chunkBounds() {
    const out = [];
    let s = 0;
    const breaks = /\n+/g;
    let m;
    while ((m = breaks.exec(text))) {
      const e = m.index + m[0].length;
      if (e - s >= BLOCK_CHARS) {
        out.push([s, e]);
        s = e;
      }
    }
    if (s < text.length || !out.length) out.push([s, text.length]);
    return out;
  }

  function drawChunk(c, candidates = store.values()) {
    const { frag, out } = buildSegments(c.s, c.e, candidates);
    c.el.replaceChildren(frag);
    c.segs = out;
    c.later = null;
  }

  /** Tracks for every span, then the whole text: the first blocks with their spans, the
   * others as plain text (drawTheRest() fills them in). */
  function drawAll() {
    setMaxTrack(assignAllTracks(store.ordered()));
    const frag = document.createDocumentFragment();
    chunks = chunkBounds().map(([s, e]) => {
      const el = document.createElement("div");
      el.className = "chunk";
      frag.append(el);
      return { s, e, el, segs: [] };
    });
    // Each span goes to the blocks it touches, so drawing is linear in spans + blocks.
    const buckets = chunks.map(() => []);
    for (const o of store.values()) {
      for (let i = indexAt(chunks, o.u0); i < chunks.length && chunks[i].s < o.u1; i++) {
        buckets[i].push(o);
      }
    }
    chunks.forEach((c, i) => {
      if (c.s < FIRST_CHARS) drawChunk(c, buckets[i]);
      else {
        drawChunk(c, []); // the same text, one segment: offsets and selections work at once
        c.later = buckets[i];
      }
    });
    root.replaceChildren(frag);
    for (const o of store.values()) [o.r0, o.r1] = [o.u0, o.u1];
  }

  /** Fill in the blocks drawAll() left plain, a few at a time; resolves when all are done. */
  function drawTheRest() {
    return new Promise((resolve) => {
      let i = 0;
      const slice = () => {
        const until = performance.now() + SLICE_MS;
        for (; i < chunks.length && performance.now() < until; i++) {
          const c = chunks[i];
          // A block redrawn since (a change touched it) is already complete.
          if (c.later) drawChunk(c, c.later.filter((o) => store.get(o.key) === o));
        }
        if (i < chunks.length) setTimeout(slice);
        else resolve();
      };
      slice();
    });
  }

  /** Redraw what changed for these spans: their old (last drawn) and new extents. */
  function redraw(objs) {
    let a = Infinity;
    let b = -Infinity;
    for (const o of objs) {
      for (const [x, y] of [
        [o.r0, o.r1],
        [o.u0, o.u1],
      ]) {
        if (x === undefined) continue;
        a = Math.min(a, x);
        b = Math.max(b, y);
      }
      if (store.get(o.key) === o) {
        const t = assignTrack(o, store.values());
        if (t > maxTrack) setMaxTrack(t);
        [o.r0, o.r1] = [o.u0, o.u1];
      }
    }
    if (a >= b) return;
    for (let i = indexAt(chunks, a); i < chunks.length && chunks[i].s < b; i++) drawChunk(chunks[i]);
  }

  function markFocus(key) {
    for (const el of root.querySelectorAll(".sp.focus")) el.classList.remove("focus");
    if (key) for (const el of root.querySelectorAll(`[data-key="${key}"]`)) el.classList.add("focus");
  }

  /** The DOM point (text node, offset) of UTF-16 offset u. */
  function domPoint(u) {
    const at = Math.min(u, text.length - 1);
    const c = chunks[indexAt(chunks, at)];
    const seg = c.segs[indexAt(c.segs, at)];
    let node = seg.el;
    while (node.firstChild) node = node.firstChild;
    return [node, Math.max(0, Math.min(u - seg.s, node.length ?? 0))];
  }

  /** A DOM Range over [u0, u1) of the text. */
  function rangeOf(u0, u1) {
    const range = document.createRange();
    range.setStart(...domPoint(u0));
    const [n1, off1] = domPoint(u1 - 1);
    range.setEnd(n1, off1 + 1 > n1.length ? n1.length : off1 + 1);
    return range;
  }

  /** UTF-16 offset of a DOM point in the text (fast for points in a drawn segment). */
  function pointToU16(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      let seg = node.parentNode;
      while (seg && seg !== root && !segOf.has(seg)) seg = seg.parentNode;
      const found = seg && segOf.get(seg);
      if (found) return found.s + offset;
    }
    return domPointToUtf16(root, node, offset);
  }

  return {
    installLabelStyles,
    drawAll,
    drawTheRest,
    redraw,
    markFocus,
    domPoint,
    rangeOf,
    pointToU16,
    element: (key) => root.querySelector(`[data-key="${key}"]`),
  };
}

// ---- DOM points and ranges ↔ offsets
// DOM ranges and points ↔ offsets in the element holding the article text. Only called
// from event handlers: nothing here runs at import time.

/** UTF-16 offset of a DOM boundary point (node, offset) inside `root`'s text. */
export function domPointToUtf16(root, node, offset) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

/**
 * A DOM Range → `{start, end}` in code points within the element holding the article text
 * (`root`, whose text content is exactly the article text). Boundaries outside `root` are
 * clamped to it; returns null when the range does not touch `root`.
 */
export function rangeToCodePoints(root, range, text = root.textContent) {
  const whole = document.createRange();
  whole.selectNodeContents(root);
  if (
    range.compareBoundaryPoints(Range.END_TO_START, whole) >= 0 ||
    range.compareBoundaryPoints(Range.START_TO_END, whole) <= 0
  ) {
    return null;
  }
  const startInside = range.compareBoundaryPoints(Range.START_TO_START, whole) >= 0;
  const endInside = range.compareBoundaryPoints(Range.END_TO_END, whole) <= 0;
  const u0 = startInside ? domPointToUtf16(root, range.startContainer, range.startOffset) : 0;
  const u1 = endInside ? domPointToUtf16(root, range.endContainer, range.endOffset) : text.length;
  return { start: utf16ToCp(text, u0), end: utf16ToCp(text, roundUpPair(text, u1)) };
}

/** The user's selection in the text as code points, or null when there is none there. */
export function selectionCp(root, text) {
  const sel = getSelection();
  if (!sel.rangeCount || sel.isCollapsed) return null;
  return rangeToCodePoints(root, sel.getRangeAt(0), text);
}

/** The DOM point under the pointer at (x, y), as [node, offset]. */
export function caretAt(x, y) {
  if (document.caretPositionFromPoint) {
    const p = document.caretPositionFromPoint(x, y);
    return p && [p.offsetNode, p.offset];
  }
  const r = document.caretRangeFromPoint?.(x, y);
  return r && [r.startContainer, r.startOffset];
}
