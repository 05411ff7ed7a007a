import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { pagesExtension, planPages } from '../src/capture/pages.js';

const jpeg = (n) => ({ type: 'image/jpeg', n });
const webp = (n) => ({ type: 'image/webp', n });
const pdf = (n) => ({ type: 'application/pdf', n });

describe('a PDF stands alone', () => {
  it('replaces every page when chosen by itself, even when adding', () => {
    assert.deepEqual(planPages([webp(1)], [pdf(2)], { replace: false }), { pdf: pdf(2) });
    assert.deepEqual(planPages([], [pdf(2)], { replace: true }), { pdf: pdf(2) });
  });
  it('is refused together with other files', () => {
    assert.deepEqual(planPages([], [pdf(1), jpeg(2)], { replace: true }), { error: 'one_pdf' });
    assert.deepEqual(planPages([], [pdf(1), pdf(2)], { replace: true }), { error: 'one_pdf' });
  });
  it('is dropped when a photo is added to it', () => {
    const plan = planPages([pdf(1)], [webp(2)], { replace: false });
    assert.deepEqual(plan, { kept: [], reencodeKept: [], jpegOnly: false });
  });
});

describe('several pages become one PDF of JPEG pages', () => {
  it('keeps one photo as it is', () => {
    assert.deepEqual(planPages([], [webp(1)], { replace: true }), { kept: [], reencodeKept: [], jpegOnly: false });
  });
  it('re-encodes a kept WebP page as JPEG when a second page is added', () => {
    const plan = planPages([webp(1)], [webp(2)], { replace: false });
    assert.deepEqual(plan, { kept: [webp(1)], reencodeKept: [webp(1)], jpegOnly: true });
  });
  it('leaves kept JPEG pages alone', () => {
    const plan = planPages([jpeg(1), webp(2)], [webp(3)], { replace: false });
    assert.deepEqual(plan.reencodeKept, [webp(2)]);
    assert.equal(plan.jpegOnly, true);
  });
  it('two files chosen at once are JPEG even with nothing kept', () => {
    assert.deepEqual(planPages([webp(1)], [webp(2), webp(3)], { replace: true }), { kept: [], reencodeKept: [], jpegOnly: true });
  });
  it('names the file by what is sent', () => {
    assert.equal(pagesExtension([jpeg(1), jpeg(2)]), 'pdf');
    assert.equal(pagesExtension([webp(1)]), 'webp');
    assert.equal(pagesExtension([jpeg(1)]), 'jpg');
    assert.equal(pagesExtension([pdf(1)]), 'pdf');
    assert.equal(pagesExtension([{ type: 'image/gif' }]), 'bin');
  });
});
