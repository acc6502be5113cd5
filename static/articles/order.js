// Text order, underline tracks and where J/K and a decision move the focus. Pure: spans are
// plain objects with start/end (code points), u0/u1 (UTF-16), label and id.

/** Comparator: by start, longer first, then label order, then id. */
export function textOrder(labels) {
  return (a, b) =>
    a.start - b.start ||
    b.end - a.end ||
    labels.index(a.label) - labels.index(b.label) ||
    compareIds(a.id, b.id);
}

// Saved spans have numeric ids; a span being created has a string one ("new3").
function compareIds(x, y) {
  if (typeof x === "number" && typeof y === "number") return x - y;
  return x === y ? 0 : String(x) > String(y) ? 1 : -1;
}

/** Give `obj` the lowest track no overlapping span uses (keeping its own when free). */
export function assignTrack(obj, all) {
  const used = new Set();
  for (const o of all) {
    if (o !== obj && o.track !== undefined && o.u0 < obj.u1 && o.u1 > obj.u0) used.add(o.track);
  }
  if (obj.track === undefined || used.has(obj.track)) {
    let t = 0;
    while (used.has(t)) t++;
    obj.track = t;
  }
  return obj.track;
}

/** Tracks for every span (in text order): greedy interval colouring, so few tracks and
 * stable ones across segments. Returns the highest track. */
export function assignAllTracks(ordered) {
  const active = [];
  let max = 0;
  for (const o of ordered) {
    for (let i = active.length - 1; i >= 0; i--) if (active[i].u1 <= o.u0) active.splice(i, 1);
    const used = new Set(active.map((a) => a.track));
    let t = 0;
    while (used.has(t)) t++;
    o.track = t;
    if (t > max) max = t;
    active.push(o);
  }
  return max;
}

/**
 * The span J (direction 1) or K (-1) goes to from `from` (a span, or a position such as a
 * removed span's, or null): the next pending suggestion when any is left, else the next
 * span; wraps around.
 */
export function step(ordered, from, direction, isPending, compare) {
  if (!ordered.length) return null;
  const pending = ordered.filter(isPending);
  const pool = pending.length ? pending : ordered;
  if (!from) return direction > 0 ? pool[0] : pool[pool.length - 1];
  if (direction > 0) return pool.find((o) => o !== from && compare(o, from) > 0) ?? pool[0];
  return pool.findLast((o) => o !== from && compare(o, from) < 0) ?? pool[pool.length - 1];
}

/** Where the focus goes after deciding the pending suggestion `obj`: the next pending one
 * in text order (wrapping), or `obj` itself when none is left. */
export function afterDecision(ordered, obj, isPending, compare) {
  const pending = ordered.filter((o) => o !== obj && isPending(o));
  return pending.find((o) => compare(o, obj) > 0) ?? pending[0] ?? obj;
}
