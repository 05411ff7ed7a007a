// Is this document photo good enough to read? Checked on the phone the moment a photo is
// taken, before it is stored, on a small grayscale copy (long edge ANALYSIS_EDGE px):
//   blurry      sharpness: how steep the print's edges bend against their slope, in the
//               direction where they bend less (blur widens every edge, whatever the light);
//               balance: the edges' slope across one direction against the other (a shaking
//               hand's long smear flattens one direction only)
//   dark        the paper (the brighter tenth of the document) is too dark: low light
//   overexposed the page is white all over (its median saturated) and much of it saturated
//   glare       a share of the document area is saturated on paper that is not: a lamp or
//               the sun reflected on it
//   small       the document fills too little of the frame, or its print is too small
//               (the pitch of its lines in pixels): taken from too far away
// The thresholds are not guesses: tests/media/calibrate_quality.py derives them from OCR
// (tesseract) on a set of synthetic photos and writes quality-thresholds.js; the same
// functions run there under node on the same pixels, so there is one implementation.
//
// Pure functions on pixel arrays (node's test runner runs them); `checkPhoto` alone needs a
// browser (createImageBitmap, a canvas).

import { THRESHOLDS } from './quality-thresholds.js';

export const ANALYSIS_EDGE = 1024;
export const CODES = ['blurry', 'dark', 'overexposed', 'glare', 'small'];
// Cards (big print on a small card, photographed filling the frame) stay legible through
// far more blur and distance than an A4 page of small print: each kind has its own limits.
export const CARD_TYPES = new Set(['ktp', 'sim', 'stnk', 'kartu_bpjs', 'kartu_bpjstk', 'npwp', 'pas_foto']);

/** The limits for a catalog document type: a card's or a page's. */
export function limitsFor(documentType, thresholds = THRESHOLDS) {
  return thresholds[CARD_TYPES.has(documentType) ? 'card' : 'page'];
}

/** The analysis copy's size: the long edge ANALYSIS_EDGE (never enlarged). */
export function analysisSize(width, height, edge = ANALYSIS_EDGE) {
  const scale = Math.min(1, edge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Luma (BT.601, integer) of RGBA pixels, as a canvas's ImageData gives them. */
export function grayFromRGBA(rgba, width, height) {
  const n = width * height;
  if (rgba.length < n * 4) throw new Error('pixel data is shorter than its size');
  const gray = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) gray[i] = (rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8;
  return gray;
}

function otsu(hist, total) {
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i];
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

function percentile(hist, total, p) {
  const target = total * p;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= target) return i;
  }
  return hist.length - 1;
}

/** The span [first, last] of counts at or above `share` of the largest count. */
function span(counts, share) {
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  const floor = max * share;
  let first = -1;
  let last = -1;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] >= floor && counts[i] > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? [0, counts.length - 1] : [first, last];
}

const STRIP = 48; // px: a strip narrow enough that a page's slight tilt keeps its lines level
const TREND = 24; // px each side: slow light changes taken out of the ink profiles
const MAX_PITCH = 48; // px: lines further apart are print far larger than any limit

/** The ink profiles of the document's box [ax, bx, ay, by], in one pass: per row in strips
 * of STRIP columns (`rows`: lines running along x) and per column in strips of rows
 * (`cols`), counting the pixels darker than `cut`. */
function inkProfiles(gray, width, [ax, bx, ay, by], cut) {
  const w = bx - ax + 1;
  const h = by - ay + 1;
  const stripsX = Math.floor(w / STRIP);
  const stripsY = Math.floor(h / STRIP);
  const rows = new Float64Array(stripsX * h);
  const cols = new Float64Array(stripsY * w);
  const stripOfX = new Int32Array(w);
  for (let x = 0; x < w; x++) stripOfX[x] = Math.floor(x / STRIP) < stripsX ? Math.floor(x / STRIP) * h : -1;
  for (let y = 0; y < h; y++) {
    const sy = Math.floor(y / STRIP);
    const colBase = sy < stripsY ? sy * w : -1;
    const row = (ay + y) * width + ax;
    for (let x = 0; x < w; x++) {
      if (gray[row + x] < cut) {
        if (stripOfX[x] >= 0) rows[stripOfX[x] + y]++;
        if (colBase >= 0) cols[colBase + x]++;
      }
    }
  }
  return { rows: [rows, stripsX, h], cols: [cols, stripsY, w] };
}

/**
 * The lines' pitch in `strips` ink profiles of `len` each: each profile's slow trend (uneven
 * light) taken out, their autocorrelation summed, and its first peak after it first falls
 * below zero (between a line and the gap after it), to a tenth of a pixel, with how strong
 * that peak is. {pitch: 0} when no lines repeat. Lags are computed only up to the peak.
 */
function linePitch([profiles, strips, len]) {
  const lags = Math.min(MAX_PITCH, len >> 2);
  if (lags < 6 || strips < 1) return { pitch: 0, peak: 0 };
  const sums = new Float64Array(len + 1);
  for (let s = 0; s < strips; s++) {
    const prof = profiles.subarray(s * len, (s + 1) * len);
    for (let k = 0; k < len; k++) sums[k + 1] = sums[k] + prof[k];
    for (let k = 0; k < len; k++) {
      const lo = Math.max(0, k - TREND);
      const hi = Math.min(len, k + TREND + 1);
      prof[k] -= (sums[hi] - sums[lo]) / (hi - lo);
    }
  }
  const ac = new Float64Array(lags + 1).fill(NaN);
  const at = (lag) => {
    if (Number.isNaN(ac[lag])) {
      let sum = 0;
      for (let s = 0; s < strips; s++) {
        const base = s * len;
        for (let i = base, end = base + len - lag; i < end; i++) sum += profiles[i] * profiles[i + lag];
      }
      ac[lag] = sum;
    }
    return ac[lag] / ac[0];
  };
  if (!(at(0) > 0)) return { pitch: 0, peak: 0 };
  let k = 1;
  while (k < lags && at(k) > 0) k++;
  for (k += 1; k < lags; k++) {
    const here = at(k);
    if (here > 0.08 && here >= at(k - 1) && here >= at(k + 1)) {
      const curve = at(k - 1) - 2 * here + at(k + 1);
      const shift = curve < 0 ? (at(k - 1) - at(k + 1)) / (2 * curve) : 0;
      return { pitch: Math.round((k + shift) * 10) / 10, peak: here };
    }
  }
  return { pitch: 0, peak: 0 };
}

/**
 * The measurements of one grayscale image: where the document is (the bright paper's
 * bounding box, found by Otsu's threshold and row/column projections), how much of the frame
 * it fills, its brightness, saturation and sharpness.
 */
export function measure(gray, width, height) {
  const n = width * height;
  if (!(width > 2 && height > 2) || gray.length < n) throw new Error('image too small to check');
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) hist[gray[i]]++;
  const t = otsu(hist, n);
  const rows = new Uint32Array(height);
  const cols = new Uint32Array(width);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (gray[i] > t) {
        rows[y]++;
        cols[x]++;
      }
    }
  }
  const [x0, x1] = span(cols, 0.5);
  const [y0, y1] = span(rows, 0.5);
  const fill = ((x1 - x0 + 1) * (y1 - y0 + 1)) / n;
  // The document's inside (a margin in from its edges, whose border is no text).
  const mx = Math.floor((x1 - x0) * 0.04);
  const my = Math.floor((y1 - y0) * 0.04);
  const ax = Math.max(1, x0 + mx);
  const bx = Math.min(width - 2, x1 - mx);
  const ay = Math.max(1, y0 + my);
  const by = Math.min(height - 2, y1 - my);
  const docHist = new Uint32Array(256);
  // Sharpness at the edges of the print, per direction: how steep an edge's bend (second
  // difference) is against its slope (first difference), both at the steepest 1 % of the
  // document's pixels. Blur widens every edge (the ratio falls as 1/width) whatever the
  // contrast, the light or how much text there is; a shaking hand widens one direction.
  const slopeX = new Uint32Array(256);
  const slopeY = new Uint32Array(256);
  const bendX = new Uint32Array(511);
  const bendY = new Uint32Array(511);
  let count = 0;
  for (let y = ay; y <= by; y++) {
    let i = y * width + ax;
    for (let x = ax; x <= bx; x++, i++) {
      const v = gray[i];
      docHist[v]++;
      const l = gray[i - 1];
      const r = gray[i + 1];
      const u = gray[i - width];
      const d = gray[i + width];
      slopeX[Math.abs(r - l)]++;
      slopeY[Math.abs(d - u)]++;
      bendX[Math.abs(2 * v - l - r)]++;
      bendY[Math.abs(2 * v - u - d)]++;
      count++;
    }
  }
  if (count === 0) return { fill: 0, paper: 0, median: 0, contrast: 0, glare: 0, burnt: 0, sharpness: 0, balance: 0, pitch: 0 };
  const steepX = Math.max(1, percentile(slopeX, count, 0.99));
  const steepY = Math.max(1, percentile(slopeY, count, 0.99));
  const paper = percentile(docHist, count, 0.9);
  const median = percentile(docHist, count, 0.5);
  const ink = percentile(docHist, count, 0.02);
  // The print's contrast: paper (the median: most of a page is paper) against ink.
  const contrast = Math.max(1, median - ink);
  let saturated = 0;
  for (let v = 250; v < 256; v++) saturated += docHist[v];
  // Saturated pixels on a page whose paper is not white are a reflection (glare); on a page
  // white all over (its median saturated) the whole photo is burnt-out.
  const burntOut = median >= 250;
  // The print's size: the pitch of its lines (what a reader needs is the letters' height in
  // pixels, and a line is about twice a letter), whichever way the lines run. A page's
  // share of the frame says the same only for print of one size; this sees small print too.
  const box = [ax, bx, ay, by];
  const cut = (median + percentile(docHist, count, 0.005)) / 2;
  const profiles = inkProfiles(gray, width, box, cut);
  const rowsPitch = linePitch(profiles.rows);
  const colsPitch = linePitch(profiles.cols);
  return {
    fill,
    paper,
    median,
    contrast,
    glare: burntOut ? 0 : saturated / count,
    burnt: burntOut ? saturated / count : 0,
    sharpness: 100 * Math.min(percentile(bendX, count, 0.99) / steepX, percentile(bendY, count, 0.99) / steepY),
    // A long smear (a shaking hand) turns edges into ramps whose bend over slope stays
    // steep-looking, but across the smear the edges lose their slope while along it they
    // keep it: the steeper direction's edges against the other's (1 when even, print is).
    balance: Math.min(steepX, steepY) / Math.max(steepX, steepY),
    pitch: (rowsPitch.peak >= colsPitch.peak ? rowsPitch : colsPitch).pitch,
  };
}

/** The problems of a measured photo, as codes (in CODES order); empty when it is fine. */
export function judge(m, thresholds = THRESHOLDS.page) {
  const codes = [];
  if (m.sharpness < thresholds.minSharpness || m.balance < (thresholds.minBalance ?? 0)) codes.push('blurry');
  if (m.paper < thresholds.minPaper) codes.push('dark');
  if (m.burnt > thresholds.maxBurnt) codes.push('overexposed');
  if (m.glare > thresholds.maxGlare) codes.push('glare');
  if (m.fill < thresholds.minFill || (m.pitch > 0 && m.pitch < (thresholds.minPitch ?? 0))) codes.push('small');
  return codes;
}

/** Measure and judge RGBA pixels (ImageData's layout). */
export function checkPixels(rgba, width, height, thresholds = THRESHOLDS.page) {
  const measures = measure(grayFromRGBA(rgba, width, height), width, height);
  return { codes: judge(measures, thresholds), measures };
}

/** Decode a photo (a File or Blob) as the camera meant it (EXIF orientation); null if the
 * browser cannot (the compressor then says so). The caller closes it. */
export async function decodePhoto(file) {
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
}

/**
 * Check a decoded photo (an ImageBitmap) in the browser: drawn small, measured, judged.
 * Returns `{codes, measures}`; `codes` is empty for a good photo.
 */
export function checkBitmap(bitmap, thresholds = THRESHOLDS.page) {
  const { width, height } = analysisSize(bitmap.width, bitmap.height);
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'medium';
  ctx.drawImage(bitmap, 0, 0, width, height);
  return checkPixels(ctx.getImageData(0, 0, width, height).data, width, height, thresholds);
}

/** Decode and check one photo: `{codes, measures}`; no codes for what cannot be decoded. */
export async function checkPhoto(file, thresholds = THRESHOLDS.page) {
  const bitmap = await decodePhoto(file);
  if (!bitmap) return { codes: [], measures: null };
  try {
    return checkBitmap(bitmap, thresholds);
  } finally {
    bitmap.close?.();
  }
}
