// Reading the JSON API. The fetch function is injected so the error handling is testable;
// the views call `getJson(path, {signal})` and get the browser's fetch.
//
// Outcomes: the parsed body; NetworkError when the request or its body did not arrive
// (offline, connection dropped mid-body, no answer within `timeoutMs`, the service worker
// had nothing cached); ApiError for an HTTP error, carrying the server's
// {"error": {"code", "message", "details"}}. An abort by the caller rethrows the AbortError.

export const DEFAULT_TIMEOUT_MS = 30000;

export class NetworkError extends Error {
  constructor(cause) {
    super('network unavailable');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = message || null;
    this.details = details ?? null;
  }
}

export async function getJson(
  path,
  { fetchImpl = globalThis.fetch, signal, timeoutMs = DEFAULT_TIMEOUT_MS } = {},
) {
  // One controller for both the caller's abort and our timeout (AbortSignal.any is too new
  // for the phones we serve).
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort();
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  const timer = timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs)
    : null;

  let response;
  let text;
  try {
    response = await fetchImpl(path, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      signal: controller.signal,
    });
    text = await response.text();
  } catch (err) {
    if (!timedOut && err && err.name === 'AbortError') throw err;
    throw new NetworkError(err);
  } finally {
    if (timer) clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', onAbort);
  }

  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null; // e.g. an HTML error page from a proxy
  }
  if (!response.ok) {
    const error = body && typeof body === 'object' ? body.error : null;
    throw new ApiError(
      response.status,
      (error && error.code) || 'http_error',
      error && typeof error.message === 'string' ? error.message : null,
      error && error.details,
    );
  }
  if (body === null || typeof body !== 'object') {
    throw new ApiError(response.status, 'bad_response', null, null);
  }
  return body;
}
