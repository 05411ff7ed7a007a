// The officer API over api.js's request(): the bearer token from the session, the UI
// language as Accept-Language (server messages come in it), and a 401 ends the session.

import { request, sessionApi } from '../api.js';
import { actionRequest } from './logic.js';

export function officerClient({ tokens, getLang, onSessionEnded, fetchImpl = globalThis.fetch }) {
  const api = sessionApi({ getToken: () => tokens.get(), getLang, onSessionEnded, fetchImpl });
  return {
    async signIn(username, password) {
      // No token yet: a failed sign-in is a 401 that must not "end" a session.
      const body = await request('/api/officer/login', {
        method: 'POST',
        body: { username, password, device_name: 'Konsol petugas' },
        lang: getLang(),
        fetchImpl,
      });
      tokens.set(body.token);
      return body.officer;
    },
    me: () => api.getJson('/api/officer/me'),
    async signOut() {
      // Forget the token first: a reload while the sign-out is on its way must not start
      // the next page with a token the server is ending (its check would be a 401).
      const token = tokens.get();
      tokens.clear();
      if (token) {
        await request('/api/auth/logout', { method: 'POST', token, lang: getLang(), fetchImpl });
      }
    },
    getJson: (path, options) => api.getJson(path, options),
    /** Any other call of the console's API (the counter screen's queue actions). */
    request: (path, options) => api.request(path, options),
    /** The published state machine (which states the queue holds, their labels). */
    states: () => api.getJson('/api/sync/states'),
    detail: (id) => api.getJson(`/api/officer/applications/${encodeURIComponent(id)}`),
    activity: (id) => api.getJson(`/api/officer/applications/${encodeURIComponent(id)}/activity`),
    reasons: (documentType) =>
      api.getJson(`/api/officer/reasons${documentType ? `?document_type=${encodeURIComponent(documentType)}` : ''}`),
    act(detail, action, payload) {
      const { path, body } = actionRequest(detail, action, payload);
      return api.request(path, { method: 'POST', body });
    },
    lookupTicket: (code) => api.request('/api/officer/tickets/lookup', { method: 'POST', body: { code } }),
    /** A document's bytes (preview or file) as a Blob: an <img> cannot send the token. */
    async documentBlob(documentId, part) {
      const { blob } = await api.request(`/api/documents/${encodeURIComponent(documentId)}/${part}`, { as: 'blob' });
      return blob;
    },
  };
}
