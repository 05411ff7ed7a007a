// Runs the phone's document quality check (src/capture/quality.js) under node on pixels
// decoded elsewhere: tests/media/calibrate_quality.py sends one JSON line on stdin,
//   {"images": [{"name", "path" (gzip of RGBA bytes), "width", "height", "kind": "page" |
//   "card"}], "thresholds"?: {"page": {...}, "card": {...}}}
// and reads one JSON line back: {"name": {"measures": {...}, "codes": [...]}}.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { checkPixels } from '../src/capture/quality.js';
import { THRESHOLDS } from '../src/capture/quality-thresholds.js';

const request = JSON.parse(readFileSync(0, 'utf8'));
const thresholds = request.thresholds || THRESHOLDS;
const out = {};
for (const image of request.images) {
  const rgba = gunzipSync(readFileSync(image.path));
  out[image.name] = checkPixels(rgba, image.width, image.height, thresholds[image.kind || 'page']);
}
process.stdout.write(JSON.stringify(out) + '\n');
