// The engine's lock: the Web Locks API (one flusher across tabs and the service worker).
// Where it is missing (old Safari), a lock within this page only; two such tabs may then
// push the same claimed batch twice, which the server's mutation ids make harmless.
export function webLocks(locks = globalThis.navigator?.locks) {
  if (locks?.request) return { request: (name, options, fn) => locks.request(name, options, fn) };
  const tails = new Map();
  const held = new Set();
  return {
    async request(name, options, fn) {
      if (options.ifAvailable && held.has(name)) return fn(null);
      const previous = tails.get(name) ?? Promise.resolve();
      let release;
      tails.set(name, previous.then(() => new Promise((resolve) => (release = resolve))));
      await previous;
      held.add(name);
      try {
        return await fn({ name });
      } finally {
        held.delete(name);
        release();
      }
    },
  };
}
