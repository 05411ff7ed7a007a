// The engine's transport over src/api.js: POST /api/sync/push and /api/sync/pull with the
// bearer token (sessionApi adds it, with Accept-Language, and reports a 401). Failures are
// api.js's NetworkError (no `status`: retried) and ApiError ({status, code, details}).
import { ApiError } from '../../api.js';

export const PUSH_PATH = '/api/sync/push';
export const PULL_PATH = '/api/sync/pull';

/**
 * `api`: a sessionApi(...) from src/api.js. `hasToken()`: whether a session exists; without
 * one nothing is sent (a citizen who has not signed in yet keeps drafts on the phone, and
 * the server is not asked a question it can only answer with 401).
 */
export function httpTransport(api, { timeoutMs = 30000, hasToken = async () => true } = {}) {
  const send = async (path, body) => {
    if (!(await hasToken())) throw new ApiError(401, 'not_signed_in');
    return api.request(path, { method: 'POST', body, timeoutMs });
  };
  return {
    push: (body) => send(PUSH_PATH, body),
    pull: (body) => send(PULL_PATH, body),
  };
}
