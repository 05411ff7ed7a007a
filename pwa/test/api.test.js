import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, NetworkError, getJson } from '../src/api.js';

function respond(status, body) {
  return async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
}

describe('getJson', () => {
  it('returns the parsed body', async () => {
    const body = await getJson('/api/mpps', { fetchImpl: respond(200, { items: [] }) });
    assert.deepEqual(body, { items: [] });
  });

  it('turns a failed fetch into NetworkError', async () => {
    const fetchImpl = async () => {
      throw new TypeError('Failed to fetch');
    };
    await assert.rejects(getJson('/api/mpps', { fetchImpl }), NetworkError);
  });

  it('turns a body cut off mid-way into NetworkError', async () => {
    const fetchImpl = async () => ({
      ok: true,
      status: 200,
      text: async () => {
        throw new TypeError('network error');
      },
    });
    await assert.rejects(getJson('/api/mpps', { fetchImpl }), NetworkError);
  });

  it('carries the server error message', async () => {
    const fetchImpl = respond(404, { error: { code: 'not_found', message: 'MPP tidak ditemukan', details: {} } });
    await assert.rejects(getJson('/api/mpps/x', { fetchImpl }), (err) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'not_found');
      assert.equal(err.serverMessage, 'MPP tidak ditemukan');
      return true;
    });
  });

  it('copes with a non-JSON error page', async () => {
    await assert.rejects(getJson('/api/mpps', { fetchImpl: respond(502, '<html>Bad gateway</html>') }), (err) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 502);
      assert.equal(err.serverMessage, null);
      return true;
    });
  });

  it('rejects a 200 that is not JSON', async () => {
    await assert.rejects(getJson('/api/mpps', { fetchImpl: respond(200, 'oops') }), ApiError);
  });

  it('gives up after the timeout as a network failure', async () => {
    const hang = (_path, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    await assert.rejects(getJson('/api/mpps', { fetchImpl: hang, timeoutMs: 10 }), NetworkError);
  });

  it('passes the caller abort through as AbortError', async () => {
    const controller = new AbortController();
    const hang = (_path, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const pending = getJson('/api/mpps', { fetchImpl: hang, signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
  });
});
