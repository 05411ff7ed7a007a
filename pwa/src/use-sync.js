// Hooks between the screens and the client sync engine (src/sync): the merged view and the
// status, re-rendered on every change, and the catalog entries the applications refer to.
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

/** {view, status} of the engine, kept current; null engine -> empty view. */
export function useSync(engine) {
  const [state, setState] = useState(() => snapshot(engine));
  useEffect(() => {
    if (!engine) return undefined;
    setState(snapshot(engine));
    return engine.subscribe(() => setState(snapshot(engine)));
  }, [engine]);
  return state;
}

function snapshot(engine) {
  if (!engine) return { view: { applications: {}, documents: {}, notifications: [], rejections: [], queue: [] }, status: null };
  return { view: engine.view, status: engine.status };
}

// Service standards by code, shared by every screen of this page (the service worker keeps
// them for offline use; this saves asking it again on each screen).
const services = new Map();

export function loadService(code) {
  if (!services.has(code)) {
    const promise = getJson(`/api/services/${encodeURIComponent(code)}`).catch((err) => {
      services.delete(code); // try again next time (offline now, maybe not later)
      throw err;
    });
    services.set(code, promise);
  }
  return services.get(code);
}

/** {code: service | undefined} for the given codes; fills in as they arrive. */
export function useServices(codes) {
  const key = [...new Set(codes)].sort().join(' ');
  const [found, setFound] = useState({});
  useEffect(() => {
    let live = true;
    for (const code of key.split(' ').filter(Boolean)) {
      loadService(code).then(
        (service) => live && setFound((prev) => (prev[code] ? prev : { ...prev, [code]: service })),
        () => {},
      );
    }
    return () => {
      live = false;
    };
  }, [key]);
  return found;
}
