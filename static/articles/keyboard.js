// Keys and clicks → actions. Three modes: normal; selecting (V, then Shift+Arrow extends a
// keyboard selection); picking (P or a Pick button: the words selected next become the
// value of an in_text attribute, taken on Enter or when the mouse selection ends).
// In a field of the detail card, Enter saves the field and Esc puts it back.
import { fieldsOf, firstField } from "./attrform.js";
import { anyDialogOpen, openBulk, toast, toggle } from "./panels.js";
import { selectionCp } from "./render.js";

const FORM_TAGS = new Set(["INPUT", "SELECT", "TEXTAREA"]);

export function createKeyboard({ root, article, labels, store, view, actions, similar, canEdit }) {
  let selecting = false;
  let picking = null; // { key, field } while picking words for an attribute
  const setPicking = (value) => {
    picking = value;
    document.body.classList.toggle("picking", Boolean(value));
    for (const btn of document.querySelectorAll("[data-pick]")) {
      btn.setAttribute("aria-pressed", String(btn.dataset.pick === value?.field.name));
    }
  };
  const focused = () => view.focused();
  const backToText = () => root.focus({ preventScroll: true });
  const hotkeys = [...labels.byHotkey.keys()].join("/");

  /** Run `change` (showing or hiding panels); when it hides the panel holding the keyboard
   * focus, the focus goes back to the text instead of being lost. */
  function keepFocus(change) {
    const panel = document.activeElement?.closest?.("#help, #guidelines-panel");
    change();
    if (panel?.hidden) backToText();
  }

  function clearSelection() {
    selecting = false;
    getSelection().removeAllRanges();
  }

  // Keyboard selection: V puts a caret at the focused span's start (or the top of the text);
  // Shift+Arrow then extends the selection.
  function startSelecting() {
    const o = focused();
    const sel = getSelection();
    sel.removeAllRanges();
    const range = document.createRange();
    range.setStart(...view.text.domPoint(o ? o.u0 : 0));
    range.collapse(true);
    sel.addRange(range);
    selecting = true;
    const then = picking ? "Enter picks the words" : `${hotkeys} makes the span`;
    toast(`Selecting: Shift+←/→ extends (Ctrl: by word), ${then}, Esc cancels.`);
  }

  function labelKey(name) {
    const range = selectionCp(root, article.text);
    if (range) {
      clearSelection();
      return actions.createSpan(name, range.start, range.end);
    }
    const o = focused();
    if (o && o.label !== name) actions.edit(o, { label: name });
    else if (!o) toast("Select some text first, or focus a span (J/K).");
  }

  /** Start picking words for the in_text attribute `name` of the focused span (the first
   * such attribute when no name is given); a selection already made is taken at once. */
  function startPicking(name) {
    const o = focused();
    if (!o || !actions.guard()) return;
    const field = fieldsOf(labels.get(o.label)).find((f) => f.in_text && (!name || f.name === name));
    if (!field) return toast("This label has no attribute to pick from the text.");
    setPicking({ key: o.key, field });
    backToText();
    if (!takePick()) {
      toast(`Select the ${field.title.toLowerCase()} in the text (mouse, or V then Shift+→), then Enter. Esc cancels.`);
    }
  }

  /** Take the selection as the picked words; false when nothing is selected. */
  function takePick() {
    if (!picking) return false;
    const range = selectionCp(root, article.text);
    if (!range) return false;
    const o = store.get(picking.key);
    const { field } = picking;
    setPicking(null);
    clearSelection();
    actions.pick(o, field, range.start, range.end);
    return true;
  }

  function inField(ev, t) {
    if (ev.key === "Escape") {
      ev.preventDefault();
      view.detail.revert(t);
      t.blur();
      backToText();
    } else if (ev.key === "Enter" && t.type !== "checkbox") {
      ev.preventDefault();
      commitField(t);
      t.blur();
      backToText();
    }
  }

  function commitField(input) {
    const o = focused();
    const changes = o && view.detail.changesFrom(input, o);
    if (changes) actions.edit(o, changes);
  }

  function focusField(name) {
    const input = view.detail.input(name);
    input?.focus();
    input?.select?.();
  }

  function extendSelection(ev, k, mod) {
    const sel = getSelection();
    if (!ev.shiftKey || !(selecting || !sel.isCollapsed) || !sel.rangeCount || !root.contains(sel.focusNode)) {
      return false;
    }
    ev.preventDefault();
    sel.modify("extend", k === "ArrowRight" ? "forward" : "backward", mod ? "word" : "character");
    return true;
  }

  function onPickingKey(ev) {
    const k = ev.key;
    const mod = ev.ctrlKey || ev.metaKey;
    if ((k === "ArrowLeft" || k === "ArrowRight") && extendSelection(ev, k, mod)) return;
    if (k === "Escape") {
      ev.preventDefault();
      setPicking(null);
      clearSelection();
      return toast("Picking cancelled.");
    }
    if (k === "Enter") {
      ev.preventDefault();
      if (!takePick()) toast("Select the words first (or Esc to cancel).");
      return;
    }
    if (k.toLowerCase() === "v" && !mod) {
      ev.preventDefault();
      return startSelecting();
    }
  }

  function onKey(ev) {
    const t = ev.target;
    if (anyDialogOpen()) return;
    if (FORM_TAGS.has(t.tagName) && t.form === view.detail.form) return inField(ev, t);
    if (FORM_TAGS.has(t.tagName)) return;
    if (picking) return onPickingKey(ev);
    const k = ev.key;
    const o = focused();
    const mod = ev.ctrlKey || ev.metaKey;
    if (mod && (k === "z" || k === "Z")) {
      ev.preventDefault();
      return actions.undoLast();
    }
    if (k === "ArrowLeft" || k === "ArrowRight") {
      if (extendSelection(ev, k, mod)) return;
      if (!ev.shiftKey || !o || !getSelection().isCollapsed) return;
      ev.preventDefault();
      return actions.moveBoundary(o, ev.altKey ? "start" : "end", k === "ArrowRight" ? 1 : -1, mod);
    }
    if (mod || ev.altKey) return;
    if (labels.byHotkey.has(k)) {
      ev.preventDefault();
      return labelKey(labels.byHotkey.get(k));
    }
    const needsSpan = {
      a: () => actions.decide(o, "accept"),
      Enter: () => actions.decide(o, "accept"),
      x: () => actions.decide(o, "reject"),
      Delete: () => actions.decide(o, "reject"),
      Backspace: () => actions.decide(o, "reject"),
      e: () => focusField(firstField(labels.get(o.label))),
      n: () => focusField("note"),
      p: () => startPicking(),
      c: () => similar.copyBest(o),
    };
    const any = {
      j: () => actions.navigate(1),
      k: () => actions.navigate(-1),
      u: actions.undoLast,
      d: () => actions.markDone(backToText),
      b: bulk,
      g: () => keepFocus(() => toggle("guidelines-panel")),
      "?": () => keepFocus(() => toggle("help")),
      v: startSelecting,
      Escape: () =>
        keepFocus(() => {
          toggle("help", false);
          toggle("guidelines-panel", false);
          clearSelection();
        }),
    };
    const name = k in needsSpan || k in any ? k : k.toLowerCase();
    const act = needsSpan[name] ?? any[name];
    if (!act) return;
    if (k === "Enter" && t instanceof HTMLButtonElement) return;
    ev.preventDefault();
    if (needsSpan[name] && !o) return toast("No span focused: J/K move between spans.");
    act();
  }

  function bulk() {
    if (!actions.guard()) return;
    openBulk({ candidates: actions.bulkCandidates, apply: actions.bulk, onClose: backToText });
  }

  function wire() {
    document.addEventListener("keydown", onKey);
    root.addEventListener("click", (ev) => {
      if (picking || !getSelection().isCollapsed) return;
      const el = ev.target.closest?.("[data-key]");
      if (el) view.setFocus(el.dataset.key, { scroll: false });
    });
    // A mouse selection made while picking is taken when the button is released.
    root.addEventListener("mouseup", () => {
      if (picking) setTimeout(takePick);
    });
    for (const btn of document.querySelectorAll(".label-btn")) {
      btn.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the selection
      btn.addEventListener("click", () => labelKey(btn.dataset.label));
    }
    const form = view.detail.form;
    form.addEventListener("mousedown", (ev) => {
      if (ev.target.closest?.("[data-pick]")) ev.preventDefault(); // keep the selection
    });
    form.addEventListener("click", (ev) => {
      const btn = ev.target.closest?.("[data-pick]");
      if (btn) startPicking(btn.dataset.pick);
    });
    form.addEventListener("submit", (ev) => ev.preventDefault());
    // Leaving a changed field saves it, as Enter does (Esc has put it back already).
    form.addEventListener("change", (ev) => commitField(ev.target));
    const clicks = {
      accept: () => actions.decide(focused(), "accept"),
      reject: () => actions.decide(focused(), "reject"),
      bulk,
      undo: actions.undoLast,
      done: () => actions.markDone(backToText),
      guidelines: () => keepFocus(() => toggle("guidelines-panel")),
      help: () => keepFocus(() => toggle("help")),
      "first-pending": () => actions.jumpPending(1),
      "last-pending": () => actions.jumpPending(-1),
    };
    document.addEventListener("click", (ev) => {
      const btn = ev.target.closest?.("[data-action]");
      if (btn && clicks[btn.dataset.action]) clicks[btn.dataset.action]();
      if (ev.target.id === "help") keepFocus(() => toggle("help", false));
    });
    window.addEventListener("resize", () => view.showDetail());
    if (!canEdit) document.body.classList.add("read-only");
  }

  return { wire };
}
