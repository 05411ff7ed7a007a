// A hook for one GET of the JSON API: {status: 'loading' | 'ok' | 'error', data, error, retry}.
// Retries by itself when the browser says the connection is back. `load(path, {signal})`
// is getJson for the public catalog, or a session API's getJson for the citizen's own data
// (keep it stable across renders: a new function means a new request).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

export function useJson(path, load = getJson) {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState({ status: 'loading', data: null, error: null });

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading', data: null, error: null });
    load(path, { signal: controller.signal }).then(
      (data) => setState({ status: 'ok', data, error: null }),
      (error) => {
        if (!controller.signal.aborted) setState({ status: 'error', data: null, error });
      },
    );
    return () => controller.abort();
  }, [path, attempt, load]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    if (state.status !== 'error') return undefined;
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [state.status, retry]);

  return { ...state, retry };
}
