// After `vite build`: write a Brotli (.br) and a gzip (.gz) copy beside every text asset of
// dist/, once, at the strongest settings, so the server sends compressed bytes without
// compressing on each request (server/web.py picks the copy the browser accepts). Node's
// own zlib does both; nothing else is needed.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIST = new URL('../dist/', import.meta.url).pathname;
const TEXT = /\.(?:html|js|mjs|css|webmanifest|json|svg|txt)$/;
const MIN_BYTES = 512; // below this, headers cost more than compression saves

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let count = 0;
for (const path of files(DIST)) {
  if (!TEXT.test(path)) continue;
  const data = readFileSync(path);
  if (data.length < MIN_BYTES) continue;
  writeFileSync(`${path}.br`, brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }));
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  count += 1;
}
console.log(`compressed ${count} files in dist/ (.br and .gz)`);
