import assert from 'node:assert/strict';
import { test } from 'node:test';

import { acceptable, attempts, MAX_BYTES, targetSize } from '../src/capture/compress.js';

test('a 12 MP photo is scaled so its long edge is 2000 px, keeping the aspect', () => {
  assert.deepEqual(targetSize(4000, 3000), { width: 2000, height: 1500 });
  assert.deepEqual(targetSize(3000, 4000), { width: 1500, height: 2000 });
  assert.deepEqual(targetSize(4032, 3024, 1600), { width: 1600, height: 1200 });
});

test('a small image is never enlarged', () => {
  assert.deepEqual(targetSize(800, 600), { width: 800, height: 600 });
});

test('an image without a size is refused', () => {
  assert.throws(() => targetSize(0, 0), /no size/);
  assert.throws(() => targetSize(Number.NaN, 10), /no size/);
});

test('WebP is tried first, quality stepping down, then JPEG', () => {
  const list = attempts();
  assert.equal(list[0].type, 'image/webp');
  assert.equal(list.at(-1).type, 'image/jpeg');
  const webp = list.filter((a) => a.type === 'image/webp').map((a) => a.quality);
  assert.deepEqual(webp, [...webp].sort((a, b) => b - a));
});

test('the PNG a browser returns when it cannot encode WebP is not accepted as WebP', () => {
  const webp = { type: 'image/webp', quality: 0.6 };
  assert.equal(acceptable({ type: 'image/png', size: 1000 }, webp), false);
  assert.equal(acceptable({ type: 'image/webp', size: 1000 }, webp), true);
  assert.equal(acceptable(null, webp), false);
});

test('a blob over the budget is not accepted', () => {
  const webp = { type: 'image/webp', quality: 0.6 };
  assert.equal(acceptable({ type: 'image/webp', size: MAX_BYTES + 1 }, webp), false);
  assert.equal(acceptable({ type: 'image/webp', size: MAX_BYTES }, webp), true);
});

test('pages of a multi-page document are JPEG only (a PDF embeds JPEG, not WebP)', () => {
  const list = attempts({ jpegOnly: true });
  assert.ok(list.length > 0);
  assert.ok(list.every((a) => a.type === 'image/jpeg'));
});
