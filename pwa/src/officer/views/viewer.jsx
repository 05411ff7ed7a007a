// One requirement's document. The bytes need the officer's bearer token, which an <img src>
// cannot send: they are fetched, then shown from an object URL (img-src allows blob:). The
// small WebP preview comes first (a slow counter link), the original on demand. PDFs have
// no preview; the CSP (object-src 'none', frames 'self' only) rules out embedding one, so
// the officer opens it in the browser's own viewer in a new tab, or downloads it.

import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatDateTime } from '../../format.js';
import { errorText } from '../i18n.js';

const ZOOMS = [1, 1.5, 2, 3];

// Documents load one after another, in page order: on a slow counter link the first one
// arrives whole instead of all of them sharing the line. (It also keeps the document
// reads, each of which writes an audit row, from racing each other on SQLite; see the
// report on server/uploads/document_routes.py.)
let queue = Promise.resolve();
function inTurn(load) {
  const run = queue.then(load, load);
  queue = run.catch(() => {});
  return run;
}

export function DocumentViewer({ t, lang, client, document: doc, title }) {
  const isPdf = doc.content_type === 'application/pdf';
  const [part, setPart] = useState(isPdf ? null : 'preview');
  const [url, setUrl] = useState(null);
  const [fileUrl, setFileUrl] = useState(null);
  const [error, setError] = useState(null);
  const [zoom, setZoom] = useState(0);
  const [rotation, setRotation] = useState(0);
  const urls = useRef([]);

  const blobUrl = (blob) => {
    const made = URL.createObjectURL(blob);
    urls.current.push(made);
    return made;
  };
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  useEffect(() => {
    if (!part) return undefined;
    let live = true;
    setError(null);
    inTurn(() => (live ? client.documentBlob(doc.id, part) : Promise.reject(new Error('gone'))))
      .then((blob) => live && setUrl(blobUrl(blob)))
      .catch((err) => {
        if (!live) return;
        // No preview (yet, or never for this file): the original instead.
        if (part === 'preview' && err.status === 404) setPart('file');
        else setError(err);
      });
    return () => {
      live = false;
    };
  }, [client, doc.id, part]);

  const openPdf = async () => {
    setError(null);
    try {
      setFileUrl(blobUrl(await client.documentBlob(doc.id, 'file')));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="viewer" data-viewer={doc.id}>
      {isPdf ? (
        <div class="viewer-pdf">
          <p>
            <strong>{t('viewer.pdf')}</strong> · {Math.round((doc.size || 0) / 1024)} KB
          </p>
          <p class="muted small">{t('viewer.pdfHint')}</p>
          {fileUrl ? (
            <p class="row-actions">
              <a class="btn btn-secondary" href={fileUrl} target="_blank" rel="noopener">
                {t('viewer.openFile')}
              </a>
              <a class="btn btn-quiet" href={fileUrl} download={`${doc.id}.pdf`}>
                {t('viewer.download')}
              </a>
            </p>
          ) : (
            <button type="button" class="btn btn-secondary" onClick={openPdf}>
              {t('viewer.openFile')}
            </button>
          )}
        </div>
      ) : (
        <>
          <div class="viewer-tools" role="toolbar" aria-label={title}>
            <button type="button" class="btn btn-tool" onClick={() => setZoom((z) => Math.max(0, z - 1))} disabled={zoom === 0} aria-label={t('viewer.zoomOut')} title={t('viewer.zoomOut')}>
              −
            </button>
            <span class="viewer-zoom" aria-live="polite">
              {Math.round(ZOOMS[zoom] * 100)}%
            </span>
            <button type="button" class="btn btn-tool" onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))} disabled={zoom === ZOOMS.length - 1} aria-label={t('viewer.zoomIn')} title={t('viewer.zoomIn')}>
              +
            </button>
            <button type="button" class="btn btn-tool" onClick={() => setRotation((r) => (r + 90) % 360)} aria-label={t('viewer.rotate')} title={t('viewer.rotate')} data-action="rotate">
              ⟳
            </button>
            {part === 'preview' && (
              <button type="button" class="btn btn-quiet btn-small" onClick={() => setPart('file')} data-action="full">
                {t('viewer.full')}
              </button>
            )}
          </div>
          <div class="viewer-frame" tabIndex={zoom > 0 ? 0 : undefined}>
            {url ? (
              <img src={url} alt={t('viewer.alt', { title })} class={`doc zoom-${zoom} rot-${rotation}`} data-part={part} />
            ) : (
              !error && <p class="muted">{t('viewer.loading')}</p>
            )}
          </div>
        </>
      )}
      {error && <p class="alert alert-bad small">{t('viewer.failed')} {errorText(t, error)}</p>}
      <p class="muted small">
        {doc.verified_at && t('viewer.verifiedAt', { when: formatDateTime(lang, doc.verified_at) })}
        {doc.expires_on && ` · ${t('viewer.expires', { date: formatDate(lang, doc.expires_on) })}`}
      </p>
    </div>
  );
}
