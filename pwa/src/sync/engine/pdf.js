// Several photographed pages of one requirement become ONE PDF, because the server keeps one
// document per requirement (an application's requirement row has a single document_id) and
// accepts application/pdf. The pages must be JPEG: a PDF can embed JPEG bytes as they are
// (DCTDecode), so nothing is decoded or re-encoded and the output is deterministic (the same
// pages always give the same bytes, which a resumed tus upload relies on). WebP cannot be
// embedded in a PDF without re-encoding, so multi-page capture must encode JPEG.

const A4_WIDTH_PT = 595; // every page is drawn 595 pt wide (A4), its height by aspect ratio

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const COLOUR = { 1: '/DeviceGray', 3: '/DeviceRGB', 4: '/DeviceCMYK' };

/** {width, height, components} from a JPEG's start-of-frame marker; throws if not a JPEG. */
export function jpegInfo(bytes) {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG');
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new Error('JPEG marker expected');
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (SOF.has(marker)) {
      return {
        height: (bytes[i + 5] << 8) | bytes[i + 6],
        width: (bytes[i + 7] << 8) | bytes[i + 8],
        components: bytes[i + 9],
      };
    }
    i += 2 + length;
  }
  throw new Error('JPEG without a frame header');
}

/** The PDF (Uint8Array) holding each JPEG (Uint8Array) as one page, in order. */
export function jpegPagesToPdf(pages) {
  if (!pages.length) throw new Error('no pages');
  const encoder = new TextEncoder();
  const chunks = [];
  const offsets = [];
  let size = 0;
  const push = (part) => {
    const bytes = typeof part === 'string' ? encoder.encode(part) : part;
    chunks.push(bytes);
    size += bytes.length;
  };
  const object = (number, ...parts) => {
    offsets[number] = size;
    push(`${number} 0 obj\n`);
    parts.forEach(push);
    push('\nendobj\n');
  };

  push('%PDF-1.4\n');
  const pageRefs = pages.map((_, n) => `${3 + n * 3} 0 R`).join(' ');
  object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  object(2, `<< /Type /Pages /Kids [${pageRefs}] /Count ${pages.length} >>`);
  pages.forEach((jpeg, n) => {
    const { width, height, components } = jpegInfo(jpeg);
    const colour = COLOUR[components];
    if (!colour || !width || !height) throw new Error('unsupported JPEG');
    const pageHeight = Math.round((A4_WIDTH_PT * height) / width);
    const [page, image, content] = [3 + n * 3, 4 + n * 3, 5 + n * 3];
    const draw = `q ${A4_WIDTH_PT} 0 0 ${pageHeight} 0 0 cm /Im0 Do Q`;
    object(
      page,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${A4_WIDTH_PT} ${pageHeight}]` +
        ` /Resources << /XObject << /Im0 ${image} 0 R >> >> /Contents ${content} 0 R >>`,
    );
    object(
      image,
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace ${colour}` +
        ` /BitsPerComponent 8 /Filter /DCTDecode${components === 4 ? ' /Decode [1 0 1 0 1 0 1 0]' : ''}` +
        ` /Length ${jpeg.length} >>\nstream\n`,
      jpeg,
      '\nendstream',
    );
    object(content, `<< /Length ${draw.length} >>\nstream\n${draw}\nendstream`);
  });
  const count = 3 + pages.length * 3;
  const xref = size;
  push(`xref\n0 ${count}\n0000000000 65535 f \n`);
  for (let n = 1; n < count; n += 1) push(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);

  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
