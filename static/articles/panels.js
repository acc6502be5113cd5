// Messages, the help and guidelines panels, and the two dialogs: bulk decisions and the
// "suggestions still undecided" question before marking an article done. Dialogs are
// <dialog> elements opened modally: Tab moves between their buttons, Enter presses one,
// Esc closes them.

export function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = message;
  box.append(el);
  setTimeout(() => el.remove(), kind === "info" ? 2500 : 8000);
}

/** Show or hide a panel (`force`: true shows, false hides, undefined toggles). */
export function toggle(id, force) {
  const el = document.getElementById(id);
  el.hidden = force === undefined ? !el.hidden : !force;
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
