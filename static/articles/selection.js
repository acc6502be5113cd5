// DOM ranges and points ↔ offsets in the element holding the article text. Only called
// from event handlers: nothing here runs at import time.
import { roundUpPair, utf16ToCp } from "./offsets.js";

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
