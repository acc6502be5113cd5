// The two dark handles at the focused span's ends: placed after layout, dragged with the
// pointer to move a boundary (saved when the drag ends).
import { caretAt } from "./selection.js";

export function createHandles({ doc, text: view, root, map }) {
  const box = doc.querySelector(".handles");
  const [hs, he] = box.children;

  function place(o) {
    const rects = view.rangeOf(o.u0, o.u1).getClientRects();
    if (!rects.length) return;
    const base = doc.getBoundingClientRect();
    const first = rects[0];
    const last = rects[rects.length - 1];
    hs.style.transform = `translate(${first.left - base.left - 3}px, ${first.top - base.top}px)`;
    hs.style.height = `${first.height}px`;
    he.style.transform = `translate(${last.right - base.left - 3}px, ${last.top - base.top}px)`;
    he.style.height = `${last.height}px`;
    box.hidden = false;
  }

  /**
   * Dragging: `focused()` is the span being adjusted; `preview(o, changes)` shows a
   * boundary while dragging; `commit(o, changes, before)` saves when the pointer is released.
   */
  function wire({ focused, canEdit, snapshot, preview, commit }) {
    let drag = null;
    box.addEventListener("pointerdown", (ev) => {
      const which = ev.target.dataset?.handle;
      const o = focused();
      if (!which || !o || !canEdit) return;
      ev.preventDefault();
      ev.target.setPointerCapture(ev.pointerId);
      drag = { which, obj: o, before: snapshot(o) };
    });
    box.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      const p = caretAt(ev.clientX, ev.clientY);
      if (!p || !root.contains(p[0])) return;
      const cp = map.toCp(view.pointToU16(p[0], p[1]));
      const o = drag.obj;
      if (drag.which === "end" && cp > o.start && cp !== o.end) preview(o, { end: cp });
      else if (drag.which === "start" && cp < o.end && cp !== o.start) preview(o, { start: cp });
    });
    const end = () => {
      if (!drag) return;
      const { obj, before, which } = drag;
      drag = null;
      if (obj[which] !== before[which]) commit(obj, { [which]: obj[which] }, before);
    };
    box.addEventListener("pointerup", end);
    box.addEventListener("pointercancel", end);
  }

  return {
    place,
    hide: () => {
      box.hidden = true;
    },
    wire,
  };
}
