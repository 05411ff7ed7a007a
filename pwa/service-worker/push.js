// What the worker does with a push message and a tap on its notification, as pure functions
// (no `self`), so node --test checks them. The server's payload (server/push) is JSON:
// {title, body, url: "/#/permohonan/<id>", tag, application_id, notification_id}.

export const DEFAULT_TITLE = 'Sekali Datang';
/** Posted to open pages when a push arrives: something changed on the server, pull now. */
export const SYNC_NOW = { type: 'SYNC_NOW' };

export function isSyncNowMessage(data) {
  return Boolean(data) && typeof data === 'object' && data.type === SYNC_NOW.type;
}
export const ICON = '/icons/icon-192.png';

/** A payload we can show, or null. Only our own paths are followed (never another origin). */
export function parsePayload(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object') return null;
  const title = typeof data.title === 'string' && data.title.trim() ? data.title.slice(0, 120) : DEFAULT_TITLE;
  const body = typeof data.body === 'string' ? data.body.slice(0, 400) : '';
  return {
    title,
    options: {
      body,
      tag: typeof data.tag === 'string' ? data.tag.slice(0, 100) : undefined,
      // A newer message about the same application replaces the older one, and says so.
      renotify: typeof data.tag === 'string',
      icon: ICON,
      badge: ICON,
      data: { url: safeUrl(data.url), notificationId: data.notification_id ?? null },
    },
  };
}

/** A same-origin path starting with "/" (e.g. "/#/permohonan/<id>"); anything else is "/". */
export function safeUrl(url) {
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//') || url.includes('\\')) return '/';
  return url;
}

/**
 * The window to use for a tap: one already showing our app (the focused one first), else
 * null (open a new one). `clients` are WindowClients of our origin.
 */
export function pickClient(clients, origin) {
  const ours = clients.filter((c) => {
    try {
      return new URL(c.url).origin === origin;
    } catch {
      return false;
    }
  });
  return ours.find((c) => c.focused) || ours[0] || null;
}
