// The project's labels as the page data sends them: name, colour, pattern, hotkey and the
// attributes their spans carry. Nothing here knows a label by name.

/** Labels by name and by hotkey; `idx` is the label's index in the page data's list. */
export function labelTable(list) {
  const labels = list.map((l, idx) => ({ ...l, idx, attributes: l.attributes ?? [] }));
  const byName = new Map(labels.map((l) => [l.name, l]));
  const byHotkey = new Map(labels.filter((l) => l.hotkey).map((l) => [l.hotkey, l.name]));
  return {
    list: labels,
    byName,
    byHotkey,
    get: (name) => byName.get(name),
    at: (idx) => labels[idx],
    index: (name) => byName.get(name)?.idx ?? 0,
  };
}
