// The label form: "Add an attribute" appends a blank row from the formset's template and
// counts it in the management form (without the script, one blank row is always there).
(() => {
  const form = document.getElementById("label-form");
  const template = document.getElementById("attribute-template");
  const button = form?.querySelector("[data-add-attribute]");
  if (!form || !template || !button) return;
  const rows = form.querySelector("[data-attribute-rows]");
  const total = form.querySelector('input[name="attr-TOTAL_FORMS"]');
  const max = Number(form.querySelector('input[name="attr-MAX_NUM_FORMS"]')?.value || 20);
  button.hidden = false;

  function refresh() {
    button.disabled = Number(total.value) >= max;
  }

  button.addEventListener("click", () => {
    const index = Number(total.value);
    if (index >= max) return;
    const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__number__", String(index + 1));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    rows.append(row);
    total.value = String(index + 1);
    row.querySelector("input")?.focus();
    refresh();
  });
  refresh();
})();
