// Copy buttons: <button data-copy="#id"> copies the text of the element it names. Where the
// clipboard is not available (a plain-HTTP address other than localhost), the text is
// selected instead, for Ctrl+C. Delegated, so buttons a page script adds later work too.
(() => {
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.append(status);

  function select(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy(button) {
    const target = document.querySelector(button.dataset.copy);
    if (!target) return;
    const text = target.textContent.trim();
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    let said;
    try {
      await navigator.clipboard.writeText(text);
      said = "Copied";
    } catch {
      select(target);
      said = "Selected: press Ctrl+C";
    }
    button.textContent = said;
    status.textContent = said;
    setTimeout(() => {
      button.textContent = label;
      status.textContent = "";
    }, 2500);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (button) copy(button);
  });
})();
