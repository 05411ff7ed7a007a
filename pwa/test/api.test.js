import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApiError,
  NetworkError,
  endsSession,
  filenameFromDisposition,
  getJson,
  request,
  sessionApi,
} from '../src/api.js';

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

function recording(status, body, headers = {}) {
  const calls = [];
  const fetchImpl = async (path, init) => {
    calls.push({ path, init });
    return new Response(body === null ? null : typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers,
    });
  };
  return { calls, fetchImpl };
}

describe('request', () => {
  it('sends JSON, the bearer token and the UI language', async () => {
    const { calls, fetchImpl } = recording(200, { ok: true });
    const body = await request('/api/me', { method: 'PATCH', body: { full_name: 'Siti' }, token: 'sd_x', lang: 'en', fetchImpl });
    assert.deepEqual(body, { ok: true });
    const { init } = calls[0];
    assert.equal(init.method, 'PATCH');
    assert.equal(init.body, '{"full_name":"Siti"}');
    assert.equal(init.headers.Authorization, 'Bearer sd_x');
    assert.equal(init.headers['Accept-Language'], 'en');
    assert.equal(init.headers['Content-Type'], 'application/json');
  });

  it('sends no Authorization without a token', async () => {
    const { calls, fetchImpl } = recording(202, { phone: '+62812*****890' });
    await request('/api/auth/otp', { method: 'POST', body: { phone: '0812' }, fetchImpl });
    assert.equal('Authorization' in calls[0].init.headers, false);
  });

  it('returns null for 204 No Content', async () => {
    const { fetchImpl } = recording(204, null);
    assert.equal(await request('/api/auth/logout', { method: 'POST', token: 'sd_x', fetchImpl }), null);
  });

  it('reads a download as a blob with its file name', async () => {
    const { fetchImpl } = recording(200, 'PK\u0003\u0004', {
      'Content-Type': 'application/zip',
      'Content-Disposition': 'attachment; filename="sekali-datang-20251123.zip"',
    });
    const { blob, filename } = await request('/api/me/export', { as: 'blob', token: 'sd_x', fetchImpl });
    assert.equal(filename, 'sekali-datang-20251123.zip');
    assert.equal(blob.size, 4);
  });

  it('still reads an error of a download as the JSON error', async () => {
    const { fetchImpl } = recording(401, { error: { code: 'session_expired', message: 'Sesi berakhir', details: {} } });
    await assert.rejects(request('/api/me/export', { as: 'blob', fetchImpl }), { code: 'session_expired' });
  });
});

describe('filenameFromDisposition', () => {
  it('takes the file name and nothing that climbs out of the folder', () => {
    assert.equal(filenameFromDisposition('attachment; filename="a.zip"'), 'a.zip');
    assert.equal(filenameFromDisposition('attachment; filename=b.zip'), 'b.zip');
    assert.equal(filenameFromDisposition('attachment; filename="../x/y.zip"'), '.._x_y.zip');
    assert.equal(filenameFromDisposition(null), null);
    assert.equal(filenameFromDisposition('attachment'), null);
  });
});

describe('the 401 decision', () => {
  it('ends the session on any 401 and on nothing else', () => {
    for (const code of ['unauthorized', 'invalid_token', 'session_expired', 'session_revoked']) {
      assert.equal(endsSession(new ApiError(401, code, 'x', {})), true, code);
    }
    assert.equal(endsSession(new ApiError(403, 'forbidden', 'x', {})), false);
    assert.equal(endsSession(new ApiError(400, 'profile_invalid', 'x', {})), false);
    assert.equal(endsSession(new ApiError(500, 'internal_error', 'x', {})), false);
    assert.equal(endsSession(new NetworkError(new TypeError('offline'))), false);
    assert.equal(endsSession(null), false);
  });
});

describe('sessionApi', () => {
  it('adds the current token and language to each call', async () => {
    const { calls, fetchImpl } = recording(200, { items: [] });
    let lang = 'id';
    const api = sessionApi({ getToken: () => 'sd_1', getLang: () => lang, onSessionEnded: () => assert.fail(), fetchImpl });
    await api.getJson('/api/me/devices');
    lang = 'en';
    await api.request('/api/me', { method: 'PATCH', body: { language: 'en' } });
    assert.equal(calls[0].init.headers['Accept-Language'], 'id');
    assert.equal(calls[1].init.headers['Accept-Language'], 'en');
    assert.equal(calls[1].init.headers.Authorization, 'Bearer sd_1');
  });

  it('reports a 401 with the token that failed, then rethrows', async () => {
    const { fetchImpl } = recording(401, { error: { code: 'session_revoked', message: 'Perangkat ini sudah dikeluarkan.', details: {} } });
    const ended = [];
    const api = sessionApi({ getToken: () => 'sd_old', getLang: () => 'id', onSessionEnded: (err, token) => ended.push([err.code, token]), fetchImpl });
    await assert.rejects(api.getJson('/api/me'), { code: 'session_revoked' });
    assert.deepEqual(ended, [['session_revoked', 'sd_old']]);
  });

  it('keeps the session on other failures', async () => {
    const ended = [];
    const onSessionEnded = () => ended.push(1);
    const bad = recording(400, { error: { code: 'profile_invalid', message: 'x', details: { fields: {} } } });
    const api = sessionApi({ getToken: () => 'sd_1', getLang: () => 'id', onSessionEnded, fetchImpl: bad.fetchImpl });
    await assert.rejects(api.request('/api/me', { method: 'PATCH', body: {} }), { code: 'profile_invalid' });
    const offline = sessionApi({
      getToken: () => 'sd_1',
      getLang: () => 'id',
      onSessionEnded,
      fetchImpl: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await assert.rejects(offline.getJson('/api/me'), NetworkError);
    assert.deepEqual(ended, []);
  });
});
