// Web push from the page: ask at a moment that makes sense (after the citizen's first
// submit, by a button, never on first load), subscribe with the server's VAPID key and
// register the subscription for this device (POST /api/push/subscriptions). The service
// worker shows the messages (service-worker/push.js). Nothing here is required: the same
// notifications reach the app through pull as the in-app inbox.

export const SUBSCRIPTION_KEY = 'sd.push';

/** 'unsupported' | 'denied' | 'granted' | 'default' */
export function pushPermission(win = globalThis) {
  if (!win.Notification || !win.navigator?.serviceWorker || !win.PushManager) return 'unsupported';
  return win.Notification.permission;
}

/** base64url (the server's key) -> Uint8Array for applicationServerKey. */
export function base64UrlToBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(b64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Ask permission (call from a tap), subscribe and tell the server. Resolves to the server's
 * subscription id; rejects with the reason ('denied', 'unsupported', or an API error).
 */
export async function enablePush(api, lang, { win = globalThis, storage = globalThis.localStorage } = {}) {
  if (pushPermission(win) === 'unsupported') throw new Error('unsupported');
  const permission = await win.Notification.requestPermission();
  if (permission !== 'granted') throw new Error('denied');
  const registration = await win.navigator.serviceWorker.ready;
  const { public_key: key } = await api.getJson('/api/push/key');
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    await subscription.unsubscribe(); // made with a rotated key: it would never deliver
    subscription = null;
  }
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: base64UrlToBytes(key),
    });
  }
  const saved = await api.request('/api/push/subscriptions', {
    method: 'POST',
    body: { ...subscription.toJSON(), language: lang },
  });
  try {
    storage?.setItem(SUBSCRIPTION_KEY, saved.id);
  } catch {
    // not remembered: the server drops it at sign-out anyway
  }
  return saved.id;
}

function sameKey(subscription, key) {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true; // the browser does not say: keep it
  const bytes = new Uint8Array(current);
  const wanted = base64UrlToBytes(key);
  return bytes.length === wanted.length && bytes.every((b, i) => b === wanted[i]);
}

/** Whether this device already asked (and the server took) a subscription. */
export function pushEnabled(storage = globalThis.localStorage) {
  try {
    return Boolean(storage?.getItem(SUBSCRIPTION_KEY));
  } catch {
    return false;
  }
}

/** On sign-out: the server removes the device's subscriptions; forget ours and unsubscribe. */
export async function forgetPush({ win = globalThis, storage = globalThis.localStorage } = {}) {
  try {
    storage?.removeItem(SUBSCRIPTION_KEY);
  } catch {
    // nothing to forget
  }
  try {
    const registration = await win.navigator?.serviceWorker?.getRegistration?.();
    const subscription = await registration?.pushManager?.getSubscription();
    await subscription?.unsubscribe();
  } catch {
    // no worker or no subscription
  }
}
