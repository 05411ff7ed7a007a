// Registers /sw.js and offers updates; never forces one. A new worker waits until the
// user taps "Muat ulang": then we post SKIP_WAITING and reload once it takes control.

export const SKIP_WAITING = { type: 'SKIP_WAITING' };

/**
 * `onUpdateReady(apply)` is called when a new version is installed and waiting while an
 * older one controls this page; calling `apply()` switches to it and reloads.
 */
export function registerServiceWorker({ onUpdateReady, scriptUrl = '/sw.js' }) {
  if (!('serviceWorker' in navigator)) return;
  const container = navigator.serviceWorker;

  const offer = (worker) => {
    // No controller means first install: nothing old is running, nothing to offer.
    if (worker && container.controller) onUpdateReady(() => applyUpdate(worker));
  };

  const start = async () => {
    let registration;
    try {
      registration = await container.register(scriptUrl, { scope: '/' });
    } catch (err) {
      console.warn('Service worker not registered:', err);
      return;
    }
    if (registration.waiting) offer(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed') offer(worker);
      });
    });
  };

  // Do not compete with the first render for a weak connection.
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start, { once: true });
}

let reloading = false;

function reloadOnce() {
  if (reloading) return;
  reloading = true;
  window.location.reload();
}

function applyUpdate(worker) {
  // Listen only now: the first install's clients.claim() also fires controllerchange,
  // and that must not reload the page under the user.
  navigator.serviceWorker.addEventListener('controllerchange', reloadOnce);
  if (worker.state === 'activated') {
    reloadOnce(); // another tab already switched to it
    return;
  }
  worker.postMessage(SKIP_WAITING);
}
