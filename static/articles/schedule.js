// Coalescing: many calls in one task cost one run, deferred by `defer` (a microtask, the
// next animation frame).

export function coalesced(defer, run) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    defer(() => {
      queued = false;
      run();
    });
  };
}
