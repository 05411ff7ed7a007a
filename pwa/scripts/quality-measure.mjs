// Runs the phone's document quality check (src/capture/quality.js) under node on pixels
// decoded elsewhere: tests/media/calibrate_quality.py sends one JSON line on stdin,
//   {"images": [{"name", "path" (gzip of RGBA bytes), "width", "height", "kind": "page" |
//   "card"}], "thresholds"?: {"page": {...}, "card": {...}}}
// and reads one JSON line back: {"name": {"measures": {...}, "codes": [...]}}. An image sent
// with the "measures" an earlier answer gave (instead of "path") is only judged again, by
// quality.js's own judge(): the calibration measures its set once and tries many limits.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { checkPixels, judge } from '../src/capture/quality.js';
import { THRESHOLDS } from '../src/capture/quality-thresholds.js';

const request = JSON.parse(readFileSync(0, 'utf8'));
const thresholds = request.thresholds || THRESHOLDS;
const out = {};
for (const image of request.images) {
  const limits = thresholds[image.kind || 'page'];
  if (image.measures) {
    out[image.name] = { codes: judge(image.measures, limits), measures: image.measures };
    continue;
  }
  const rgba = gunzipSync(readFileSync(image.path));
  out[image.name] = checkPixels(rgba, image.width, image.height, limits);
}
process.stdout.write(JSON.stringify(out) + '\n');
