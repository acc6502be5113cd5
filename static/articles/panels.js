// Messages, the help and guidelines panels, and the two dialogs: bulk decisions and the
// "suggestions still undecided" question before marking an article done. Dialogs are
// <dialog> elements opened modally: Tab moves between their buttons, Enter presses one,
// Esc closes them. And the detail card of the focused span.
import { fieldsOf, fieldValue, isPicked, sameAttrs, withValue } from "./attrform.js";
import { stateWord } from "./spans.js";

export function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = message;
  box.append(el);
  setTimeout(() => el.remove(), kind === "info" ? 2500 : 8000);
}

/** Show or hide a panel (`force`: true shows, false hides, undefined toggles). A panel
 * shown takes the keyboard focus when it has an element marked data-focus-on-open. */
export function toggle(id, force) {
  const el = document.getElementById(id);
  el.hidden = force === undefined ? !el.hidden : !force;
  if (!el.hidden) el.querySelector("[data-focus-on-open]")?.focus({ preventScroll: true });
}

export const anyDialogOpen = () => document.querySelector("dialog[open]") !== null;

/**
 * The bulk dialog: `candidates(filters)` lists the suggestions a choice of decision, label
 * and confidence range applies to; `apply(decision, spans, filters)` runs when confirmed.
 */
export function openBulk({ candidates, apply, onClose }) {
  const dialog = document.getElementById("bulk-dialog");
  const form = document.getElementById("bulk-form");
  const filters = () => ({
    decision: form.decision.value,
    label: form.label.value,
    range: form.range.value,
    threshold: parseFloat(form.threshold.value),
  });
  const refresh = () => {
    const f = filters();
    const n = candidates(f).length;
    document.getElementById("bulk-count").textContent = `${n} suggestion${n === 1 ? "" : "s"} match.`;
    const btn = document.getElementById("bulk-confirm");
    btn.textContent = `${f.decision === "accept" ? "Accept" : "Reject"} ${n}`;
    btn.disabled = n === 0;
  };
  form.oninput = refresh;
  refresh();
  // Applied on submit, which runs within the click or key press (the close event comes a
  // task later).
  form.onsubmit = (ev) => {
    if (ev.submitter?.value !== "confirm") return;
    const f = filters();
    apply(f.decision, candidates(f), f);
  };
  dialog.onclose = () => onClose?.();
  dialog.returnValue = "";
  dialog.showModal();
}

/** Ask before marking done with `pending` suggestions undecided; `go()` if the user says so. */
export function confirmDone({ pending, go, onClose }) {
  const dialog = document.getElementById("done-dialog");
  document.getElementById("done-count").textContent =
    pending === 1 ? "1 suggestion is still undecided." : `${pending} suggestions are still undecided.`;
  dialog.querySelector("form").onsubmit = (ev) => {
    if (ev.submitter?.value === "done") go();
  };
  dialog.onclose = () => onClose?.();
  dialog.returnValue = "";
  dialog.showModal();
  document.getElementById("done-keep").focus();
}

// ---- The detail card of the focused span: label, status, confidence, offsets, its text, and a
// form whose fields come from the label's attribute declarations (text input, checkbox,
// select) followed by the note. Enter (or leaving a changed field) saves a field, Esc puts
// it back as it was and saves nothing.

// An element with properties (and `dataset`) set and children appended; shared with the
// similar-claims panel.
export function make(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (v !== undefined && v !== null) el[k] = v;
  }
  el.append(...children);
  return el;
}

/** The form controls for one label: built once per label, kept while the page lives. */
function buildFields(label) {
  const box = make("div", { className: "d-fields" });
  for (const field of fieldsOf(label)) {
    const id = `d-${label ? label.idx : "x"}-${field.name}`;
    const common = { name: field.name, id, dataset: { field: field.name } };
    if (field.type === "boolean") {
      box.append(make("label", { className: "field f-check" }, make("input", { type: "checkbox", ...common }), ` ${field.title}`));
      continue;
    }
    let control;
    if (field.type === "choice") {
      control = make("select", common, make("option", { value: "", textContent: "—" }));
      for (const c of field.choices ?? []) control.append(make("option", { value: c, textContent: c }));
    } else {
      control = make("input", { ...common, placeholder: field.help ?? "", spellcheck: false });
    }
    const row = make("span", { className: "row" }, control);
    if (field.in_text) {
      row.append(
        make("button", {
          type: "button",
          className: "pick",
          textContent: "Pick",
          title: `Pick the ${field.title.toLowerCase()} from the text: select the words, then click here or press Enter (P starts picking)`,
          dataset: { pick: field.name },
        }),
      );
    }
    const wrap = make("div", { className: `field f-${field.type}` }, make("label", { htmlFor: id, textContent: field.title }), row);
    if (field.in_text) wrap.append(make("span", { className: "picked", hidden: true, textContent: "picked from the text", dataset: { pickedFor: field.name } }));
    box.append(wrap);
  }
  return box;
}

export function createDetail({ el, store, labels, article }) {
  const form = el.querySelector("#d-form");
  const byLabel = new Map(); // label name -> its fields element
  let shown = null; // the span whose values the form holds
  let shownLabel; // the label whose fields are in the form

  const head = {
    label: el.querySelector("#d-label"),
    status: el.querySelector("#d-status"),
    conf: el.querySelector("#d-conf"),
    offs: el.querySelector("#d-offs"),
    text: el.querySelector("#d-text"),
  };

  const controls = () => [...form.querySelectorAll("[data-field]")];
  const editing = () => document.activeElement?.form === form;

  function fieldOf(input) {
    const label = labels.get(shown?.label);
    return fieldsOf(label).find((f) => f.name === input.dataset.field);
  }

  function fill(input, o) {
    const field = fieldOf(input);
    if (!field) return;
    const value = fieldValue(field, o);
    if (input.type === "checkbox") input.checked = value;
    else input.value = value;
  }

  function markPicked(o) {
    for (const mark of form.querySelectorAll("[data-picked-for]")) {
      const field = fieldsOf(labels.get(o.label)).find((f) => f.name === mark.dataset.pickedFor);
      mark.hidden = !(field && isPicked(field, o.attrs));
    }
  }

  /** Show span `o` (null hides the card). Values are refilled unless a field is being edited. */
  function show(o) {
    if (!o) {
      el.hidden = true;
      shown = null;
      return;
    }
    const l = labels.get(o.label);
    el.hidden = false;
    el.dataset.status = o.status;
    head.label.className = `chip chip-${l ? l.idx : 0}`;
    head.label.textContent = o.label;
    head.status.textContent = stateWord(o);
    head.conf.textContent = o.confidence == null ? "" : `confidence ${Math.round(o.confidence * 100)}%`;
    head.offs.textContent = `[${o.start}, ${o.end})`;
    head.text.textContent = o.text;
    const busy = editing() && shown?.key === o.key && shownLabel === o.label;
    shown = o;
    if (shownLabel !== o.label) {
      if (!byLabel.has(o.label)) byLabel.set(o.label, buildFields(l));
      form.replaceChildren(byLabel.get(o.label));
      shownLabel = o.label;
    }
    if (!busy) for (const input of controls()) fill(input, o);
    markPicked(o);
  }

  /** The changes the field's current value makes to span `o`, or null when none. */
  function changesFrom(input, o) {
    const field = fieldOf(input);
    if (!field || o.key !== shown?.key) return null;
    if (field.type === "note") return input.value === (o.note ?? "") ? null : { note: input.value };
    const raw = input.type === "checkbox" ? input.checked : input.value;
    const attrs = withValue(o.attrs, field, raw, article);
    return sameAttrs(attrs, o.attrs) ? null : { attrs };
  }

  return {
    show,
    changesFrom,
    /** Put the field back to the span's value (Esc). */
    revert: (input) => shown && fill(input, shown),
    input: (name) => form.querySelector(`[data-field="${CSS.escape(name)}"]`),
    field: (name) => fieldsOf(labels.get(shown?.label)).find((f) => f.name === name),
    get span() {
      return shown;
    },
    form,
  };
}
