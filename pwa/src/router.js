// Hash routes: "#/" lists the MPPs, "#/mpp/<code>" shows one. Pure functions.

const CODE_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isMppCode(code) {
  return typeof code === 'string' && CODE_RE.test(code);
}

/** Parse `location.hash` into a route; anything unknown is the list. */
export function parseHash(hash) {
  const path = String(hash || '').replace(/^#/, '');
  const match = /^\/mpp\/([^/?#]+)\/?$/.exec(path);
  if (match) {
    let code;
    try {
      code = decodeURIComponent(match[1]);
    } catch {
      code = null;
    }
    if (isMppCode(code)) return { name: 'mpp', code };
  }
  return { name: 'list' };
}

export function hrefFor(route) {
  if (route.name === 'mpp') return `#/mpp/${encodeURIComponent(route.code)}`;
  return '#/';
}
