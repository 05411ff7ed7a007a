// Shrinks a document photo on the phone before it is stored and sent.
//
// Measured on synthetic 12 MP photos of a KK page, a KTP and a letter, OCR (tesseract)
// comparing the words read before and after compression in Chromium
// (tests/e2e/test_capture_legibility.py repeats it): a long edge of 2000 px at WebP quality
// about 0.6 keeps every word and every NIK digit legible to OCR at 70-190 KB; 1200 px loses
// them (resolution, not compression, is what a scan cannot spare). JPEG needs about 1.6x
// the bytes for the same result, so it is only the fallback.
//
// No imports and no DOM beyond what is passed in or feature-tested, so the sizing rules run
// under node's test runner and the encoder runs in any browser.

export const LONG_EDGE = 2000;
export const MAX_BYTES = 300 * 1024; // the budget of one stored page
export const WEBP_QUALITIES = [0.6, 0.5, 0.42];
export const JPEG_QUALITIES = [0.72, 0.6, 0.5];
export const PASS_THROUGH_TYPES = new Set(['application/pdf']);

/** Width and height scaled so the longer side is at most `longEdge` (never enlarged). */
export function targetSize(width, height, longEdge = LONG_EDGE) {
  const long = Math.max(width, height);
  if (!(long > 0)) throw new Error('image has no size');
  const scale = Math.min(1, longEdge / long);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The encodings to try, best first: WebP steps, then JPEG steps. A browser that cannot
 * encode WebP silently returns PNG from `toBlob` (Safari), which `pickResult` refuses.
 */
export function attempts({ jpegOnly = false } = {}) {
  return [
    ...(jpegOnly ? [] : WEBP_QUALITIES.map((quality) => ({ type: 'image/webp', quality }))),
    ...JPEG_QUALITIES.map((quality) => ({ type: 'image/jpeg', quality })),
  ];
}

/**
 * Whether an encoder's blob is usable: of the type asked for (not the PNG a browser hands
 * back when it cannot encode that type) and within the byte budget.
 */
export function acceptable(blob, attempt, maxBytes = MAX_BYTES) {
  return Boolean(blob) && blob.type === attempt.type && blob.size <= maxBytes;
}

function canvasFor(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function encode(canvas, { type, quality }) {
  if (typeof canvas.convertToBlob === 'function') {
    return canvas.convertToBlob({ type, quality }).catch(() => null);
  }
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

export class CaptureError extends Error {
  constructor(code, detail) {
    super(detail || code);
    this.code = code; // 'unreadable_image' | 'too_large' | 'unsupported_type'
  }
}

/**
 * Compress one photo or scan. Returns `{blob, width, height, type, originalSize}`.
 * `jpegOnly`: for a page of a multi-page document, which becomes one PDF on the phone
 * (a PDF embeds JPEG bytes as they are, but not WebP).
 * PDFs pass through untouched (the server checks their pages); other non-images are
 * refused here so the citizen hears it at once, not after an upload.
 */
export async function compressPhoto(file, { longEdge = LONG_EDGE, maxBytes = MAX_BYTES, jpegOnly = false, decoded = null } = {}) {
  if (PASS_THROUGH_TYPES.has(file.type)) {
    return { blob: file, width: null, height: null, type: file.type, originalSize: file.size };
  }
  if (file.type && !file.type.startsWith('image/')) throw new CaptureError('unsupported_type', file.type);
  // `decoded`: the photo already decoded (the quality check's, quality.js decodePhoto): a
  // 12 MP JPEG is decoded once, not twice; the caller closes it.
  let bitmap = decoded;
  if (!bitmap) {
    try {
      // from-image: honour the EXIF orientation a phone camera writes.
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch (err) {
      throw new CaptureError('unreadable_image', String(err));
    }
  }
  try {
    const size = targetSize(bitmap.width, bitmap.height, longEdge);
    const canvas = canvasFor(size.width, size.height);
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.fillStyle = '#fff'; // a transparent PNG screenshot must not turn black in JPEG
    ctx.fillRect(0, 0, size.width, size.height);
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    for (const attempt of attempts({ jpegOnly })) {
      const blob = await encode(canvas, attempt);
      if (acceptable(blob, attempt, maxBytes)) {
        return { blob, ...size, type: blob.type, originalSize: file.size };
      }
    }
  } finally {
    if (!decoded) bitmap.close?.();
  }
  throw new CaptureError('too_large');
}
