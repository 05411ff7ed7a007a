import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TITLE, isSyncNowMessage, parsePayload, pickClient, safeUrl, SYNC_NOW } from '../service-worker/push.js';

describe('push payloads', () => {
  it('shows the title and body, tagged per application, with the app path to open', () => {
    const shown = parsePayload(JSON.stringify({
      title: 'Perlu perbaikan', body: 'LGS-2026-000001: KTP-el — Foto buram', url: '/#/permohonan/abc', tag: 'application-abc', application_id: 'abc', notification_id: 'n1',
    }));
    assert.equal(shown.title, 'Perlu perbaikan');
    assert.equal(shown.options.body, 'LGS-2026-000001: KTP-el — Foto buram');
    assert.equal(shown.options.tag, 'application-abc');
    assert.equal(shown.options.renotify, true);
    assert.deepEqual(shown.options.data, { url: '/#/permohonan/abc', notificationId: 'n1' });
  });
  it('refuses what is not JSON, and falls back to the app name for a missing title', () => {
    assert.equal(parsePayload('not json'), null);
    assert.equal(parsePayload('42'), null);
    assert.equal(parsePayload('{}').title, DEFAULT_TITLE);
  });
  it('never follows a link to another origin', () => {
    for (const url of ['https://evil.example/', '//evil.example/x', 'javascript:alert(1)', '/\\evil', 42, null]) {
      assert.equal(safeUrl(url), '/', String(url));
    }
    assert.equal(safeUrl('/#/permohonan/x'), '/#/permohonan/x');
  });
});

describe('tapping a notification', () => {
  const origin = 'https://sekali.example';
  it('uses the focused window of our app, else any of ours, else none', () => {
    const a = { url: `${origin}/#/`, focused: false };
    const b = { url: `${origin}/#/profil`, focused: true };
    const other = { url: 'https://other.example/', focused: true };
    assert.equal(pickClient([a, b, other], origin), b);
    assert.equal(pickClient([a, other], origin), a);
    assert.equal(pickClient([other], origin), null);
  });
});

describe('the worker tells open pages to pull', () => {
  it('recognises only its own message', () => {
    assert.equal(isSyncNowMessage(SYNC_NOW), true);
    assert.equal(isSyncNowMessage({ type: 'SKIP_WAITING' }), false);
    assert.equal(isSyncNowMessage(null), false);
    assert.equal(isSyncNowMessage('SYNC_NOW'), false);
  });
});
