import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATALOG_CACHE,
  isCatalogPath,
  isOwnGet,
  isShellNavigation,
  isSkipWaitingMessage,
  staleCaches,
} from '../service-worker/routes.js';

const ORIGIN = 'https://sekali.example';

describe('service worker routing rules', () => {
  it('handles only same-origin GETs', () => {
    assert.equal(isOwnGet({ method: 'GET', url: `${ORIGIN}/api/mpps` }, ORIGIN), true);
    assert.equal(isOwnGet({ method: 'POST', url: `${ORIGIN}/api/sync/push` }, ORIGIN), false);
    assert.equal(isOwnGet({ method: 'GET', url: 'https://cdn.example/x.js' }, ORIGIN), false);
  });

  it('caches the public catalog and nothing else', () => {
    for (const path of ['/api/mpps', '/api/mpps/langsa', '/api/services', '/api/services/12', '/api/catalog/x', '/api/document-types']) {
      assert.equal(isCatalogPath(path), true, path);
    }
    assert.equal(isCatalogPath('/api/sync/states'), true); // public, the same for everyone
    for (const path of ['/api/sync/pull', '/api/sync/push', '/api/mppsx', '/api/me', '/api/applications', '/api/catalog', '/api/document-types/extra', '/healthz']) {
      assert.equal(isCatalogPath(path), false, path);
    }
  });

  it('serves the shell for page navigations only', () => {
    assert.equal(isShellNavigation('/'), true);
    assert.equal(isShellNavigation('/?utm=x'), true);
    assert.equal(isShellNavigation('/mpp/langsa'), true);
    for (const path of ['/api', '/api/mpps', '/api?x=1', '/healthz', '/sw.js', '/icons/icon-192.png', '/manifest.webmanifest']) {
      assert.equal(isShellNavigation(path), false, path);
    }
  });

  it('deletes only our caches from other versions', () => {
    const keep = [CATALOG_CACHE, 'sekali-datang-precache-v2-v1'];
    const names = ['catalog-v0', CATALOG_CACHE, 'sekali-datang-precache-v2-v0', 'sekali-datang-precache-v2-v1', 'someone-else'];
    assert.deepEqual(staleCaches(names, keep), ['catalog-v0', 'sekali-datang-precache-v2-v0']);
  });

  it('recognises the SKIP_WAITING message only', () => {
    assert.equal(isSkipWaitingMessage({ type: 'SKIP_WAITING' }), true);
    assert.equal(isSkipWaitingMessage('SKIP_WAITING'), false);
    assert.equal(isSkipWaitingMessage(null), false);
  });
});
