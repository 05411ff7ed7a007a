import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIos, shouldShowIosHint } from '../src/install-hint.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const ANDROID = 'Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36';

describe('the add-to-home-screen hint for iPhones', () => {
  it('knows an iPhone, and an iPad that calls itself a Mac', () => {
    assert.equal(isIos(IPHONE), true);
    assert.equal(isIos('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'MacIntel', 5), true);
    assert.equal(isIos('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'MacIntel', 0), false);
    assert.equal(isIos(ANDROID), false);
  });
  it('shows only in the browser, until dismissed', () => {
    const base = { userAgent: IPHONE, platform: 'iPhone', maxTouchPoints: 5, standalone: false, dismissed: false };
    assert.equal(shouldShowIosHint(base), true);
    assert.equal(shouldShowIosHint({ ...base, standalone: true }), false);
    assert.equal(shouldShowIosHint({ ...base, dismissed: true }), false);
    assert.equal(shouldShowIosHint({ ...base, userAgent: ANDROID, platform: 'Linux' }), false);
  });
});
