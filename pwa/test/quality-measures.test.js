import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge, measure } from '../src/capture/quality.js';

// The two measures the calibration set asked for (tests/media/calibrate_quality.py): the
// balance of the edges' slope between the two directions (a shaking hand's smear) and the
// pitch of the print's lines (print too small to read, whatever share of the frame the
// page fills). A page of "print" on a desk, drawn in pixels: lines `pitch` px apart, each
// about half a pitch high, of strokes of ink on paper.
function page({ width = 600, height = 450, pitch = 14, scale = 0.86 } = {}) {
  const gray = new Uint8Array(width * height).fill(80);
  const pw = Math.round(width * scale);
  const ph = Math.round(height * scale);
  const x0 = Math.round((width - pw) / 2);
  const y0 = Math.round((height - ph) / 2);
  const letter = Math.max(2, Math.round(pitch / 2));
  for (let y = y0; y < y0 + ph; y++) {
    for (let x = x0; x < x0 + pw; x++) {
      const inLine = (y - y0) % pitch < letter && y - y0 > pitch && y < y0 + ph - pitch && x > x0 + 12 && x < x0 + pw - 12;
      const stroke = inLine && ((x * 7 + Math.floor((y - y0) / pitch) * 13) % 11 < 3 || (y - y0) % pitch === 0);
      gray[y * width + x] = stroke ? 30 : 235;
    }
  }
  return { gray, width, height };
}

function transpose({ gray, width, height }) {
  const out = new Uint8Array(gray.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + y] = gray[y * width + x];
  return { gray: out, width: height, height: width };
}

/** A box blur `length` px long along x (a shaking hand moving sideways). */
function smear({ gray, width, height }, length) {
  const out = new Uint8Array(gray.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < length; k++) sum += gray[y * width + Math.min(width - 1, x + k)];
      out[y * width + x] = Math.round(sum / length);
    }
  }
  return { gray: out, width, height };
}

const m = ({ gray, width, height }) => measure(gray, width, height);

describe('document quality check: print size and a one-way smear', () => {
  it("finds the print's line pitch, whichever way the lines run", () => {
    for (const pitch of [9, 14, 22]) {
      assert.ok(Math.abs(m(page({ pitch })).pitch - pitch) <= 0.5, `pitch ${pitch}: ${m(page({ pitch })).pitch}`);
      const turned = m(transpose(page({ pitch })));
      assert.ok(Math.abs(turned.pitch - pitch) <= 0.5, `turned pitch ${pitch}: ${turned.pitch}`);
    }
  });

  it('says nothing of the pitch of a page with no lines', () => {
    const { gray, width, height } = page();
    gray.fill(235, width * 40, width * (height - 40)); // blank paper where the print was
    assert.equal(m({ gray, width, height }).pitch, 0);
  });

  it('sees a sideways smear as uneven edges, an even page as even', () => {
    const even = m(page());
    const smeared = m(smear(page(), 12));
    assert.ok(even.balance > 0.5, `even ${even.balance}`);
    assert.ok(smeared.balance < even.balance * 0.5, `smeared ${smeared.balance} vs ${even.balance}`);
  });

  it('flags small print as small and a smear as blurry, never an unknown pitch', () => {
    const limits = { minSharpness: 10, minBalance: 0.4, minPaper: 100, maxBurnt: 0.5, maxGlare: 0.05, minFill: 0.3, minPitch: 10 };
    const fine = { sharpness: 20, balance: 0.8, paper: 200, burnt: 0, glare: 0, fill: 0.7, pitch: 14 };
    assert.deepEqual(judge(fine, limits), []);
    assert.deepEqual(judge({ ...fine, balance: 0.2 }, limits), ['blurry']);
    assert.deepEqual(judge({ ...fine, pitch: 8 }, limits), ['small']);
    assert.deepEqual(judge({ ...fine, pitch: 0 }, limits), []);
    // limits written before these measures existed leave them off
    assert.deepEqual(judge({ ...fine, balance: 0.1, pitch: 3 }, { ...limits, minBalance: undefined, minPitch: undefined }), []);
  });
});
