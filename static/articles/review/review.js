// The reviewer's adjudication page. The server groups every finished editor layer into
// clusters of versions (articles/selectors/adjudication.py); this script draws them, keeps
// a focus, and sends each action to the API, then draws the view the server answers.
// No optimistic state: the gold layer is what the server says it is.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('review-data').textContent);
  const chars = Array.from(data.article.text); // offsets are code points
  const labels = Object.fromEntries(data.labels.map((l) => [l.name, l]));
  const $ = (id) => document.getElementById(id);
  const list = $('review-list');
  const form = $('review-edit');
  let view = data.view;
  let mode = 'merged';
  let items = [];
  let focus = 0;
  let pending = Promise.resolve();

  // Append children, leaving out null ones (the DOM's own append would write "null").
  function add(node, ...children) {
    for (const child of children) {
      if (child != null) node.append(child);
    }
    return node;
  }

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return add(node, ...children);
  }

  function swatch(name) {
    const node = el('span', 'swatch');
    node.style.background = (labels[name] || {}).color || '#999'; // CSSOM: allowed by the CSP
    return node;
  }

  const excerpt = (start, end) => {
    const text = chars.slice(start, end).join('');
    return text.length > 140 ? `${text.slice(0, 137)}…` : text;
  };

  const attrsText = (attrs) =>
    Object.entries(attrs || {})
      .filter(([key]) => !key.endsWith('_start') && !key.endsWith('_end'))
      .map(([key, value]) => `${key}: ${value}`)
      .join(', ');

  const keyOf = (item) => (item ? `${item.kind}:${item.kind === 'gold' ? item.gold.id : item.version.source}` : '');

  function flatten() {
    items = [];
    view.clusters.forEach((cluster, index) => {
      for (const version of cluster.versions) items.push({ kind: 'version', cluster, index, version });
      for (const gold of cluster.gold) items.push({ kind: 'gold', cluster, index, gold });
    });
  }

  function itemButton(item, position) {
    const button = el('button', 'item');
    button.type = 'button';
    button.dataset.position = String(position);
    if (item.kind === 'version') {
      const v = item.version;
      button.classList.add(`state-${v.state}`);
      button.dataset.mark = v.mark;
      add(
        button,
        el('span', `mark ${v.mark}`, v.mark === 'all' ? 'all agree' : v.mark === 'some' ? 'some agree' : 'one editor'),
        ' ',
        v.state !== 'open' ? el('span', `mark ${v.state}`, v.state) : null,
        ' ',
        el('span', 'excerpt', excerpt(v.start, v.end)),
        el('div', 'who', `${v.editors.join(', ')} · [${v.start}, ${v.end})${v.attrs && attrsText(v.attrs) ? ` · ${attrsText(v.attrs)}` : ''}`),
      );
    } else {
      const g = item.gold;
      button.classList.add('gold', `gold-${g.status}`);
      add(
        button,
        el('span', 'mark gold', g.status === 'accepted' ? 'gold' : 'gold: rejected'),
        ' ',
        el('span', 'excerpt', excerpt(g.start, g.end)),
        el('div', 'who', `${g.reviewer} · ${g.label} [${g.start}, ${g.end})${attrsText(g.attrs) ? ` · ${attrsText(g.attrs)}` : ''}`),
      );
    }
    button.addEventListener('click', () => setFocus(position));
    return button;
  }

  function clusterTitle(cluster) {
    const marks = { all: 'all agree', some: 'disagreement', one: 'one editor', gold: 'gold only' };
    return el(
      'h3',
      null,
      swatch(cluster.label),
      cluster.label,
      el('span', `mark ${cluster.mark}`, marks[cluster.mark] || cluster.mark),
      cluster.resolved ? el('span', 'mark taken', 'decided') : null,
    );
  }

  function renderMerged() {
    let position = 0;
    for (const cluster of view.clusters) {
      const box = el('div', `cluster${cluster.resolved ? ' resolved' : ''}`, clusterTitle(cluster));
      box.dataset.mark = cluster.mark;
      for (let i = 0; i < cluster.versions.length + cluster.gold.length; i += 1) {
        box.append(itemButton(items[position], position));
        position += 1;
      }
      list.append(box);
    }
  }

  function renderColumns() {
    const columns = el('div', 'columns');
    for (const name of [...view.annotators, 'gold']) {
      const column = el('div', 'cluster', el('h3', null, name === 'gold' ? 'Gold' : name));
      items.forEach((item, position) => {
        const mine = name === 'gold' ? item.kind === 'gold' : item.kind === 'version' && item.version.editors.includes(name);
        if (mine) column.append(itemButton(item, position));
      });
      columns.append(column);
    }
    list.append(columns);
  }

  function renderText() {
    const root = $('review-text');
    const item = items[focus];
    root.replaceChildren();
    if (!item) {
      root.append(chars.join(''));
      return;
    }
    const span = item.kind === 'gold' ? item.gold : item.version;
    const marked = el('mark', null, chars.slice(span.start, span.end).join(''));
    root.append(chars.slice(0, span.start).join(''), marked, chars.slice(span.end).join(''));
    marked.scrollIntoView({ block: 'nearest' });
  }

  function render() {
    const kept = keyOf(items[focus]);
    flatten();
    const again = items.findIndex((item) => keyOf(item) === kept);
    focus = again >= 0 ? again : Math.min(focus, Math.max(items.length - 1, 0));
    list.replaceChildren();
    if (!view.clusters.length) list.append(el('p', 'muted', 'No finished editor layer has spans here yet.'));
    if (mode === 'merged') renderMerged();
    else renderColumns();
    const open = view.clusters.filter((c) => !c.resolved).length;
    $('review-progress').textContent = `${view.clusters.length - open} of ${view.clusters.length} places decided`;
    $('review-who').textContent = view.annotators.length
      ? `Finished: ${view.annotators.join(', ')}${view.unfinished.length ? ` · still working: ${view.unfinished.join(', ')}` : ''}`
      : 'No editor has finished this article yet.';
    document.querySelector('[data-action="mode"]').firstChild.textContent = mode === 'merged' ? 'Side by side ' : 'Merged ';
    setFocus(focus);
  }

  function setFocus(position) {
    if (!items.length) {
      renderText();
      return;
    }
    focus = Math.max(0, Math.min(items.length - 1, position));
    for (const node of list.querySelectorAll('.item')) {
      node.classList.toggle('focused', Number(node.dataset.position) === focus);
    }
    const node = list.querySelector(`.item[data-position="${focus}"]`);
    if (node && document.activeElement !== node && !form.contains(document.activeElement)) node.focus({ preventScroll: true });
    if (node) node.scrollIntoView({ block: 'nearest' });
    renderText();
  }

  function say(message, bad = false) {
    const box = $('review-status');
    box.textContent = message;
    box.classList.toggle('bad', bad);
  }

  async function call(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': data.csrf, Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const answer = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const first = answer && Object.values(answer).find((value) => Array.isArray(value));
      throw new Error(first ? first[0] : `The server answered ${response.status}.`);
    }
    return answer;
  }

  // One action at a time, in order; the view is redrawn from the server's answer.
  function run(label, work) {
    pending = pending.then(async () => {
      document.body.dataset.saving = '1';
      try {
        const answer = await work();
        view = answer && answer.clusters ? answer : await call('GET', data.urls.adjudication);
        render();
        const skipped = (answer && answer.skipped) || [];
        say(skipped.length ? `${label}; ${skipped.length} skipped: ${skipped[0].reason}` : label);
      } catch (error) {
        say(error.message, true);
      } finally {
        document.body.dataset.saving = '0';
      }
    });
    return pending;
  }

  const adjudicate = (body) => call('POST', data.urls.adjudication, body);

  function take() {
    const item = items[focus];
    if (!item || item.kind !== 'version') return say('Focus a version to take (J/K).', true);
    return run('Taken into gold', () => adjudicate({ action: 'take', span: item.version.source }));
  }

  function reject() {
    const item = items[focus];
    if (!item) return undefined;
    if (item.kind === 'version') return run('Rejected', () => adjudicate({ action: 'reject', span: item.version.source }));
    const g = item.gold;
    return run('Gold row rejected', () => call('POST', `${data.urls.spans}${g.id}/decision/`, { decision: 'reject', version: g.version }));
  }

  function remove() {
    const item = items[focus];
    if (!item || item.kind !== 'gold') return say('Only gold rows are removed (Del); reject a version with X.', true);
    return run('Gold row removed', () => call('DELETE', `${data.urls.spans}${item.gold.id}/?version=${item.gold.version}`));
  }

  function openEdit() {
    const item = items[focus];
    if (!item) return;
    const span = item.kind === 'gold' ? item.gold : item.version;
    const select = form.elements.label;
    select.replaceChildren(...data.labels.map((l) => el('option', null, l.name)));
    select.value = span.label;
    form.elements.start.value = span.start;
    form.elements.end.value = span.end;
    form.dataset.key = keyOf(item);
    drawAttrs(span.label, span.attrs || {});
    form.hidden = false;
    select.focus();
  }

  function drawAttrs(name, attrs) {
    const box = $('review-edit-attrs');
    box.replaceChildren();
    for (const spec of (labels[name] || {}).attributes || []) {
      const input = el('input');
      input.name = `attr:${spec.name}`;
      if (spec.type === 'boolean') {
        input.type = 'checkbox';
        input.checked = Boolean(attrs[spec.name]);
      } else {
        input.value = attrs[spec.name] == null ? '' : String(attrs[spec.name]);
      }
      // Compared on submit: an untouched field leaves the version's value (or its absence).
      input.dataset.original = JSON.stringify(spec.type === 'boolean' ? Boolean(attrs[spec.name]) : String(attrs[spec.name] ?? ''));
      box.append(el('label', null, spec.title || spec.name, input));
    }
  }

  function editedAttrs(original) {
    const attrs = { ...original };
    for (const input of $('review-edit-attrs').querySelectorAll('input')) {
      const name = input.name.slice(5);
      const value = input.type === 'checkbox' ? input.checked : input.value.trim();
      if (JSON.stringify(value) === input.dataset.original) continue;
      if (value === '') delete attrs[name];
      else attrs[name] = value;
      // A changed value no longer sits at the words its offsets pointed at.
      delete attrs[`${name}_start`];
      delete attrs[`${name}_end`];
    }
    return attrs;
  }

  function closeEdit() {
    form.hidden = true;
    setFocus(focus);
  }

  form.elements.label.addEventListener('change', (event) => drawAttrs(event.target.value, {}));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const item = items.find((candidate) => keyOf(candidate) === form.dataset.key);
    if (!item) return closeEdit();
    const span = item.kind === 'gold' ? item.gold : item.version;
    const body = {
      label: form.elements.label.value,
      start: Number(form.elements.start.value),
      end: Number(form.elements.end.value),
      attrs: editedAttrs(form.elements.label.value === span.label ? span.attrs : {}),
    };
    form.hidden = true;
    if (item.kind === 'gold') {
      run('Gold row changed', () => call('PATCH', `${data.urls.spans}${span.id}/`, { ...body, version: span.version }));
    } else {
      run('Edited into gold', () => adjudicate({ action: 'edit', span: span.source, ...body }));
    }
  });
  form.querySelector('[data-action="cancel"]').addEventListener('click', closeEdit);

  function toggleMode() {
    mode = mode === 'merged' ? 'columns' : 'merged';
    render();
  }

  const agreed = () => run('Agreed versions taken into gold', () => adjudicate({ action: 'take_agreed' }));

  document.querySelector('[data-action="mode"]').addEventListener('click', toggleMode);
  document.querySelector('[data-action="agreed"]').addEventListener('click', agreed);

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (!form.hidden) {
      if (event.key === 'Escape') closeEdit();
      return; // the form's own fields take every other key (Enter submits)
    }
    const actions = {
      j: () => setFocus(focus + 1),
      ArrowDown: () => setFocus(focus + 1),
      k: () => setFocus(focus - 1),
      ArrowUp: () => setFocus(focus - 1),
      t: take,
      Enter: take,
      e: openEdit,
      x: reject,
      Delete: remove,
      Backspace: remove,
      s: toggleMode,
      a: agreed,
    };
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // For automation: wait for every sent action, read the focus.
  window.annReview = {
    idle: () => pending,
    focused: () => items[focus] || null,
    focusSource: (id) => setFocus(items.findIndex((item) => item.kind === 'version' && item.version.spans.includes(id))),
  };
  document.body.dataset.saving = '0';
  render();
  document.body.dataset.ready = '1';
})();
