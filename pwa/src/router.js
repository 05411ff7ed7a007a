// Hash routes, as pure functions:
//   #/                          the MPPs                      (list)
//   #/mpp/<code>                one MPP, its agencies and services
//   #/layanan/<service code>    a service's standard, before starting
//   #/permohonan                my applications
//   #/permohonan/<id>           one application as a task list
//   #/permohonan/<id>/data      its form
//   #/permohonan/<id>/dokumen/<requirement code>   one requirement's pages
//   #/permohonan/<id>/kirim     check and submit
//   #/masuk, #/profil           sign in, profile
//   #/kunjungan                 my visits, and booking one for ready applications
//   #/kunjungan/<id>            one booked visit: its ticket, reschedule, cancel
//   #/survei/<application id>   the satisfaction survey (SKM) of a completed application
//   #/pengaduan                 my complaints; #/pengaduan/<id> one, with its answers
//   #/pengaduan/baru[/<application id>]  file one about the MPP, or about an application

const CODE_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
// "<mpp>.<standard>", e.g. langsa.imigrasi.paspor-baru
const SERVICE_RE = /^[a-z0-9][a-z0-9_-]{0,63}(?:\.[a-z0-9][a-z0-9_-]{0,63}){1,3}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REQUIREMENT_RE = /^[a-z0-9][a-z0-9_-]{0,59}$/;

export function isMppCode(code) {
  return typeof code === 'string' && CODE_RE.test(code);
}

export function isServiceCode(code) {
  return typeof code === 'string' && SERVICE_RE.test(code);
}

const FIXED = new Map([
  ['/masuk', 'signin'],
  ['/profil', 'profile'],
  ['/permohonan', 'applications'],
  ['/kunjungan', 'visits'],
  ['/pengaduan', 'complaints'],
  ['/pengaduan/baru', 'complaint-new'],
]);
const PATHS = new Map([...FIXED].map(([path, name]) => [name, `#${path}`]));
const STEPS = { data: 'data', kirim: 'submit' };
const STEP_PATHS = { data: 'data', submit: 'kirim' };

function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** Parse `location.hash` into a route; anything unknown is the list. */
export function parseHash(hash) {
  const path = String(hash || '').replace(/^#/, '').replace(/\/$/, '');
  const fixed = FIXED.get(path);
  if (fixed) return { name: fixed };
  const parts = path.split('/').slice(1).map(decode);
  if (parts.includes(null)) return { name: 'list' };
  const [head, code, step, sub, ...rest] = parts;
  if (head === 'mpp' && parts.length === 2 && isMppCode(code)) return { name: 'mpp', code };
  if (head === 'layanan' && parts.length === 2 && isServiceCode(code)) return { name: 'service', code };
  if (head === 'kunjungan' && parts.length === 2 && UUID_RE.test(code || '')) return { name: 'visit', id: code };
  if (head === 'survei' && parts.length === 2 && UUID_RE.test(code || '')) return { name: 'survey', id: code };
  if (head === 'pengaduan' && parts.length === 2 && UUID_RE.test(code || '')) return { name: 'complaint', id: code };
  if (head === 'pengaduan' && code === 'baru' && parts.length === 3 && UUID_RE.test(step || '')) {
    return { name: 'complaint-new', application: step };
  }
  if (head === 'permohonan' && rest.length === 0 && UUID_RE.test(code || '')) {
    if (step === undefined) return { name: 'application', id: code };
    if (STEPS[step] && sub === undefined) return { name: 'application', id: code, step: STEPS[step] };
    if (step === 'dokumen' && REQUIREMENT_RE.test(sub || '')) {
      return { name: 'application', id: code, step: 'document', requirement: sub };
    }
  }
  return { name: 'list' };
}

export function hrefFor(route) {
  const enc = encodeURIComponent;
  if (route.name === 'mpp') return `#/mpp/${enc(route.code)}`;
  if (route.name === 'service') return `#/layanan/${enc(route.code)}`;
  if (route.name === 'visit') return `#/kunjungan/${enc(route.id)}`;
  if (route.name === 'survey') return `#/survei/${enc(route.id)}`;
  if (route.name === 'complaint') return `#/pengaduan/${enc(route.id)}`;
  if (route.name === 'complaint-new' && route.application) return `#/pengaduan/baru/${enc(route.application)}`;
  if (route.name === 'application') {
    const base = `#/permohonan/${enc(route.id)}`;
    if (route.step === 'document') return `${base}/dokumen/${enc(route.requirement)}`;
    if (route.step) return `${base}/${STEP_PATHS[route.step]}`;
    return base;
  }
  return PATHS.get(route.name) || '#/';
}

/** Two routes show the same screen (the app scrolls to the top only when they differ). */
export function sameScreen(a, b) {
  return hrefFor(a) === hrefFor(b);
}
