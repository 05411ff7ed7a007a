import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisSize, checkPixels, CODES, grayFromRGBA, judge, limitsFor, measure } from '../src/capture/quality.js';
import { THRESHOLDS } from '../src/capture/quality-thresholds.js';

// A page on a desk, drawn in pixels: paper (235) with lines of "print" (dark strokes of
// varying width), on a desk (80). `scale` < 1 makes the page small in the frame.
function page({ width = 400, height = 300, scale = 0.86, paper = 235, ink = 30, desk = 80 } = {}) {
  const gray = new Uint8Array(width * height).fill(desk);
  const pw = Math.round(width * scale);
  const ph = Math.round(height * scale);
  const x0 = Math.round((width - pw) / 2);
  const y0 = Math.round((height - ph) / 2);
  for (let y = y0; y < y0 + ph; y++) {
    for (let x = x0; x < x0 + pw; x++) {
      const row = Math.floor((y - y0) / 9);
      const inLine = (y - y0) % 9 < 4 && row % 2 === 1 && x > x0 + 10 && x < x0 + pw - 10;
      const stroke = inLine && (x * 7 + row * 13) % 11 < 3;
      gray[y * width + x] = stroke ? ink : paper;
    }
  }
  return { gray, width, height };
}

function boxBlur({ gray, width, height }, radius) {
  const out = new Uint8Array(gray.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const yy = Math.min(height - 1, Math.max(0, y + dy));
          const xx = Math.min(width - 1, Math.max(0, x + dx));
          sum += gray[yy * width + xx];
          n++;
        }
      }
      out[y * width + x] = Math.round(sum / n);
    }
  }
  return { gray: out, width, height };
}

const m = ({ gray, width, height }) => measure(gray, width, height);

describe('document quality check (capture/quality.js)', () => {
  it('sizes the analysis copy to a long edge of 1024, never enlarging', () => {
    assert.deepEqual(analysisSize(4000, 3000), { width: 1024, height: 768 });
    assert.deepEqual(analysisSize(3000, 4000), { width: 768, height: 1024 });
    assert.deepEqual(analysisSize(640, 480), { width: 640, height: 480 });
  });

  it('turns RGBA into luma and refuses short pixel data', () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255]);
    assert.deepEqual([...grayFromRGBA(rgba, 3, 1)], [255, 0, 76]);
    assert.throws(() => grayFromRGBA(rgba, 4, 1), /shorter/);
  });

  it('finds the page and how much of the frame it fills', () => {
    const big = m(page());
    const small = m(page({ scale: 0.4 }));
    assert.ok(Math.abs(big.fill - 0.86 * 0.86) < 0.05, `fill ${big.fill}`);
    assert.ok(Math.abs(small.fill - 0.16) < 0.05, `fill ${small.fill}`);
  });

  it('measures a blurred page as less sharp, the same at any brightness', () => {
    const sharp = m(page());
    const blurred = m(boxBlur(page(), 2));
    const dim = m(page({ paper: 90, ink: 12, desk: 30 }));
    assert.ok(blurred.sharpness < sharp.sharpness * 0.6, `${blurred.sharpness} vs ${sharp.sharpness}`);
    assert.ok(Math.abs(dim.sharpness - sharp.sharpness) / sharp.sharpness < 0.25, `${dim.sharpness} vs ${sharp.sharpness}`);
  });

  it('sees dark paper, a burnt-out page and a saturated glare spot', () => {
    assert.equal(m(page()).paper, 235);
    assert.equal(m(page({ paper: 70, ink: 10, desk: 25 })).paper, 70);
    const burnt = m(page({ paper: 255, ink: 230 }));
    assert.ok(burnt.median === 255 && burnt.burnt > 0.8 && burnt.glare === 0, JSON.stringify(burnt));
    const glared = page();
    for (let y = 100; y < 200; y++) for (let x = 150; x < 250; x++) glared.gray[y * 400 + x] = 255;
    assert.ok(m(glared).glare > 0.08, `glare ${m(glared).glare}`);
    assert.equal(m(page()).glare, 0);
  });

  it('judges each measure against its limit and names every problem', () => {
    const limits = { minSharpness: 10, minPaper: 100, maxBurnt: 0.5, maxGlare: 0.05, minFill: 0.3 };
    const fine = { sharpness: 20, paper: 200, burnt: 0, glare: 0, fill: 0.7 };
    assert.deepEqual(judge(fine, limits), []);
    assert.deepEqual(judge({ ...fine, sharpness: 5 }, limits), ['blurry']);
    assert.deepEqual(judge({ ...fine, paper: 60 }, limits), ['dark']);
    assert.deepEqual(judge({ ...fine, burnt: 0.9 }, limits), ['overexposed']);
    assert.deepEqual(judge({ ...fine, glare: 0.2 }, limits), ['glare']);
    assert.deepEqual(judge({ ...fine, fill: 0.1 }, limits), ['small']);
    assert.deepEqual(judge({ sharpness: 1, paper: 1, burnt: 1, glare: 1, fill: 0 }, limits), CODES);
  });

  it('uses the calibrated limits by default (written by tests/media/calibrate_quality.py)', () => {
    for (const kind of ['page', 'card']) {
      for (const key of ['minSharpness', 'minPaper', 'maxBurnt', 'maxGlare', 'minFill']) assert.equal(typeof THRESHOLDS[kind][key], 'number', `${kind}.${key}`);
    }
    assert.equal(limitsFor('ktp'), THRESHOLDS.card);
    assert.equal(limitsFor('kk'), THRESHOLDS.page);
    const { gray, width, height } = page();
    const rgba = new Uint8ClampedArray(width * height * 4);
    gray.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
    const result = checkPixels(rgba, width, height);
    assert.deepEqual(result.codes, judge(result.measures));
  });

  it('refuses an image too small to check', () => {
    assert.throws(() => measure(new Uint8Array(4), 2, 2), /too small/);
  });
});
