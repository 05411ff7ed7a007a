// Hash routes: "#/" lists the MPPs, "#/mpp/<code>" shows one, "#/masuk" signs in,
// "#/profil" is the signed-in citizen's profile. Pure functions.

const CODE_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isMppCode(code) {
  return typeof code === 'string' && CODE_RE.test(code);
}

const FIXED = new Map([
  ['/masuk', 'signin'],
  ['/profil', 'profile'],
]);
const PATHS = new Map([...FIXED].map(([path, name]) => [name, `#${path}`]));

/** Parse `location.hash` into a route; anything unknown is the list. */
export function parseHash(hash) {
  const path = String(hash || '').replace(/^#/, '');
  const fixed = FIXED.get(path.replace(/\/$/, ''));
  if (fixed) return { name: fixed };
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
  return PATHS.get(route.name) || '#/';
}
