// The import page and an import's page.
//
// - Files can be dropped on the drop zone as well as picked; the chosen names are listed.
// - The file form is sent with XMLHttpRequest so that the upload shows its progress; the
//   server's answer is the same as without the script: the import's page (followed here),
//   or the forms again with their errors (swapped in).
// - Every import on the page ([data-import-job]) is followed live: GET /api/imports/{id}/
//   says the import's state and progress (phase, records processed of total), then its
//   articles per pre-tag state. A page of one import
//   reloads once when the import itself ends, to show its duplicates or its error.
(() => {
  const BAR_ORDER = ["done", "failed", "running", "pending"];
  const FIRST_DELAY = 1000;
  const MAX_DELAY = 10000;
  const STALLED_AFTER = 60000;

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
  }

  // ---- choosing files -------------------------------------------------------------------

  function showChosen(zone, input) {
    const names = [...input.files].map((file) => file.name);
    zone.querySelector("[data-chosen]").textContent = names.length ? `Chosen: ${names.join(", ")}` : "";
  }

  function initDropzone(form) {
    const zone = form.querySelector("[data-dropzone]");
    const input = form.querySelector('input[type="file"]');
    if (!zone || !input) return;
    input.addEventListener("change", () => showChosen(zone, input));
    for (const type of ["dragenter", "dragover"]) {
      zone.addEventListener(type, (event) => {
        event.preventDefault();
        zone.classList.add("over");
      });
    }
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      if (!event.dataTransfer?.files.length) return;
      input.files = event.dataTransfer.files;
      showChosen(zone, input);
    });
  }

  // ---- sending files with upload progress ----------------------------------------------

  function initUpload(form) {
    const box = form.querySelector("[data-upload-progress]");
    const bar = form.querySelector("[data-upload-bar]");
    const text = form.querySelector("[data-upload-text]");
    const input = form.querySelector('input[type="file"]');
    form.addEventListener("submit", (event) => {
      if (!input?.files.length || !box) return; // the server says what is missing
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      box.hidden = false;
      bar.value = 0;
      text.textContent = "Uploading…";
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || location.href);
      xhr.upload.addEventListener("progress", (progress) => {
        if (!progress.lengthComputable) return;
        bar.value = Math.round((100 * progress.loaded) / progress.total);
        text.textContent = `Uploading… ${bar.value}%`;
      });
      xhr.upload.addEventListener("load", () => {
        bar.removeAttribute("value"); // indeterminate while the server reads the files
        text.textContent = "Uploaded; importing…";
      });
      xhr.addEventListener("load", () => {
        if (xhr.status < 400 && xhr.responseURL) {
          location.assign(xhr.responseURL);
          return;
        }
        swapIn(xhr.responseText);
      });
      xhr.addEventListener("error", () => {
        button.disabled = false;
        bar.value = 0;
        text.textContent = "The upload failed: the server could not be reached. Try again.";
      });
      xhr.send(new FormData(form));
    });
  }

  // The server's page with the forms' errors: its forms, messages and recent imports
  // replace ours (our own HTML from the same server; scripts in it do not run).
  function swapIn(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    for (const selector of ["#import-forms", ".recent"]) {
      const fresh = page.querySelector(selector);
      const old = document.querySelector(selector);
      if (fresh && old) old.replaceWith(document.adoptNode(fresh));
    }
    const freshMessages = page.querySelector(".messages");
    document.querySelector(".messages")?.remove();
    if (freshMessages) document.querySelector("#import-forms")?.before(document.adoptNode(freshMessages));
    initForms(document);
    initJobs(document);
    document.querySelector("#import-forms [role=alert]")?.scrollIntoView({ block: "center" });
  }

  function initForms(root) {
    for (const form of root.querySelectorAll("form[data-upload-form]")) {
      initDropzone(form);
      initUpload(form);
    }
  }

  // ---- following imports ----------------------------------------------------------------

  // The same words as the server's (articles/selectors/imports.py import_status).
  function importStatus(job) {
    if (job.state === "done") return { value: 1, max: 1, text: "Finished" };
    if (job.state === "failed") return { value: 1, max: 1, text: "Failed" };
    if (job.state === "pending") return { value: null, max: 1, text: "Waiting for a worker" };
    if (job.phase === "writing" && job.total) {
      return { value: job.processed, max: job.total, text: `Writing: ${job.processed} of ${job.total} records` };
    }
    return { value: null, max: 1, text: `Checking records: ${job.processed} read` };
  }

  function drawImport(element, job) {
    const state = job.state;
    const pill = element.querySelector('[data-field="state"]');
    pill.textContent = state;
    pill.className = `pill job-${state}`;
    const bar = element.querySelector("[data-import-bar]");
    const summary = element.querySelector('[data-field="summary"]');
    const status = importStatus(job);
    bar.max = status.max;
    if (status.value === null) bar.removeAttribute("value");
    else bar.value = status.value;
    bar.setAttribute("aria-valuetext", status.text);
    if (state === "done") {
      summary.textContent =
        `${plural(job.created_count, "new article")}, ${plural(job.duplicate_count, "duplicate")} (${job.total} read)`;
    } else if (state === "failed") {
      summary.replaceChildren(Object.assign(document.createElement("span"), { className: "error", textContent: `Failed: ${job.error}` }));
    } else {
      summary.textContent = `${status.text}…`;
    }
  }

  function drawPretag(element, counts) {
    const total = BAR_ORDER.reduce((sum, state) => sum + (counts[state] || 0), 0);
    let offset = 0;
    for (const state of BAR_ORDER) {
      const count = counts[state] || 0;
      const width = total ? (100 * count) / total : 0;
      const rect = element.querySelector(`[data-segment="${state}"]`);
      rect?.setAttribute("x", `${offset.toFixed(2)}%`);
      rect?.setAttribute("width", `${width.toFixed(2)}%`);
      offset += width;
      const number = element.querySelector(`[data-count="${state}"]`);
      if (number) number.textContent = String(count);
    }
  }

  function finished(job) {
    if (job.state === "failed") return true;
    return job.state === "done" && !job.pretag.pending && !job.pretag.running;
  }

  function follow(element) {
    const url = element.dataset.importJob;
    let delay = FIRST_DELAY;
    let last = null;
    let lastChange = Date.now();

    async function poll() {
      if (!element.isConnected) return; // replaced by a fresh copy that follows itself
      if (document.hidden) return setTimeout(poll, delay);
      let job = null;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.ok) job = await response.json();
      } catch {
        job = null; // no answer this time: ask again later
      }
      if (job) {
        const seen = JSON.stringify([job.state, job.phase, job.processed, job.pretag]);
        if (seen !== last) {
          lastChange = Date.now();
          last = seen;
          delay = FIRST_DELAY;
        }
        const wasRunning = element.dataset.state === "pending" || element.dataset.state === "running";
        element.dataset.state = job.state;
        drawImport(element, job);
        drawPretag(element, job.pretag);
        if (wasRunning && job.state !== "pending" && job.state !== "running" && "reloadWhenImported" in element.dataset) {
          location.reload();
          return;
        }
        if (finished(job)) {
          element.dataset.finished = "1";
          return;
        }
      }
      const stalled = element.querySelector("[data-stalled]");
      if (stalled) stalled.hidden = Date.now() - lastChange < STALLED_AFTER;
      delay = Math.min(MAX_DELAY, delay * 1.5);
      setTimeout(poll, delay);
    }
    setTimeout(poll, FIRST_DELAY);
  }

  function initJobs(root) {
    for (const element of root.querySelectorAll('[data-import-job][data-finished="0"]')) {
      if (element.dataset.following) continue;
      element.dataset.following = "1";
      follow(element);
    }
  }

  initForms(document);
  initJobs(document);
})();
