// A hook for one GET of the JSON API: {status: 'loading' | 'ok' | 'error', data, error, retry}.
// Retries by itself when the browser says the connection is back.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

export function useJson(path) {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState({ status: 'loading', data: null, error: null });

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading', data: null, error: null });
    getJson(path, { signal: controller.signal }).then(
      (data) => setState({ status: 'ok', data, error: null }),
      (error) => {
        if (!controller.signal.aborted) setState({ status: 'error', data: null, error });
      },
    );
    return () => controller.abort();
  }, [path, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    if (state.status !== 'error') return undefined;
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [state.status, retry]);

  return { ...state, retry };
}
