// The export page: the figures, the Download link and the curl command follow the form as
// it changes (the server's own page, fetched and its summary swapped in; without the
// script, "Update the figures" does the same), and snapshots being written are followed
// until their sha256 and download link are there.
(() => {
  const form = document.querySelector("form[data-export-form]");
  const SNAPSHOT_DELAY = 1500;

  async function refresh() {
    // Empty choices are left out of the address, so that it reads like the choices made.
    const filled = [...new FormData(form)].filter(([, value]) => value !== "");
    const query = new URLSearchParams(filled).toString();
    const url = `${location.pathname}?${query}`;
    let html;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      html = await response.text();
    } catch {
      return; // offline: the button still works once the server answers
    }
    const page = new DOMParser().parseFromString(html, "text/html");
    const fresh = page.getElementById("export-summary");
    const old = document.getElementById("export-summary");
    if (!fresh || !old) return;
    old.replaceWith(document.adoptNode(fresh));
    history.replaceState(null, "", url);
  }

  if (form) {
    let timer = null;
    form.addEventListener("change", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
  }

  function size(bytes) {
    if (bytes < 1024) return `${bytes} bytes`;
    const units = ["KB", "MB", "GB"];
    let value = bytes;
    let unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
  }

  function draw(row, snapshot) {
    const cell = (name) => row.querySelector(`[data-field="${name}"]`);
    const pill = cell("state");
    pill.textContent = snapshot.state;
    pill.className = `pill job-${snapshot.state}`;
    cell("article_count").textContent = String(snapshot.article_count);
    cell("span_count").textContent = String(snapshot.span_count);
    cell("size_bytes").textContent = size(snapshot.size_bytes);
    cell("sha256").textContent = snapshot.sha256 || "—";
    if (snapshot.download_url) {
      const link = Object.assign(document.createElement("a"), { href: snapshot.download_url, textContent: "Download" });
      link.setAttribute("download", "");
      cell("download").replaceChildren(link);
    }
    if (snapshot.error) {
      const error = Object.assign(document.createElement("span"), { className: "error small", textContent: ` ${snapshot.error}` });
      pill.after(error);
    }
    row.dataset.state = snapshot.state;
  }

  function follow(row) {
    async function poll() {
      try {
        const response = await fetch(row.dataset.snapshot, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.ok) draw(row, await response.json());
      } catch {
        // no answer this time: ask again
      }
      if (row.dataset.state === "pending" || row.dataset.state === "running") setTimeout(poll, SNAPSHOT_DELAY);
    }
    setTimeout(poll, SNAPSHOT_DELAY);
  }

  for (const row of document.querySelectorAll('tr[data-snapshot][data-state="pending"], tr[data-snapshot][data-state="running"]')) {
    follow(row);
  }
})();
