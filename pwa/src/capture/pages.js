// The page rules of one document, as a pure function (no DOM, no encoder): what to do with
// the pages already on the phone and the files the citizen just chose.
//
// - A PDF stands alone: chosen by itself it replaces everything; chosen with other files it
//   is refused (`one_pdf`), and adding a photo to a PDF starts a photo document afresh.
// - Several pages become one PDF on the phone, which embeds JPEG only: once there will be
//   more than one page, every page must be (re-)encoded as JPEG.
// - One page is sent as it is (WebP, JPEG or PNG).

export const PDF = 'application/pdf';
const EXTENSIONS = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', [PDF]: 'pdf' };

/**
 * `current`: the pages on the phone now ([{type}] Blobs); `chosen`: the new files;
 * `replace`: true for "retake" / "choose a file", false for "add a page".
 * Returns one of
 *   {error: 'one_pdf'}                               a PDF chosen together with other files
 *   {pdf: file}                                      store this PDF alone
 *   {kept, reencodeKept, jpegOnly}                   photos: keep `kept` (re-encode as JPEG
 *                                                    the ones in `reencodeKept`), then add
 *                                                    the chosen files, JPEG only if jpegOnly
 */
export function planPages(current, chosen, { replace }) {
  const files = [...chosen];
  if (files.some((f) => f.type === PDF)) {
    if (files.length > 1) return { error: 'one_pdf' };
    return { pdf: files[0] };
  }
  const kept = replace ? [] : (current || []).filter((p) => p.type !== PDF);
  const jpegOnly = kept.length + files.length > 1;
  return { kept, reencodeKept: jpegOnly ? kept.filter((p) => p.type !== 'image/jpeg') : [], jpegOnly };
}

/** The file name's extension for the pages as sent: several pages are one PDF. */
export function pagesExtension(pages) {
  if (pages.length > 1) return 'pdf';
  return EXTENSIONS[pages[0]?.type] || 'bin';
}
