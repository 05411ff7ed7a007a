import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { taskList, todayWib, walletMatches } from '../application-tasks.js';
import { CaptureError, compressPhoto } from '../capture/compress.js';
import { pagesExtension, planPages } from '../capture/pages.js';
import { checkBitmap, decodePhoto, limitsFor } from '../capture/quality.js';
import { formatDate, pick } from '../format.js';
import { BackLink, DoneButton, TaskTag } from './application-parts.jsx';
import { notificationText } from './applications.jsx';
import { Loading } from './common.jsx';
import { SyncStatus } from './sync-status.jsx';

/** One requirement's document: photograph pages, or reuse a verified one. */
export function DocumentStep({ app, service, requirement }) {
  const { t, lang, sync, engine, states, onSyncNow } = useApp();
  const tasks = taskList(service, app, sync.view.documents, states);
  const task = tasks.requirements.find((r) => r.code === requirement.code);
  const wallet = walletMatches(requirement, sync.view.documents, todayWib()).filter((d) => d.id !== task.documentId);
  const [pages, setPages] = useState(null); // Blobs of the document on the phone
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const [warning, setWarning] = useState(null); // {codes, files, replace}: a photo hard to read
  const urls = useObjectUrls(pages);
  // The server's NIK check on this very document (#19): unreadable, or not the form's NIK.
  const nikNotice = (sync.view.notifications || []).find(
    (n) => n.kind === 'document_check' && n.application_id === app.id && n.data && n.data.requirement === requirement.code && n.data.document_id === task.documentId,
  );
  const local = task.document && (task.document.status === 'local' || task.document.status === 'uploading');

  // The document this screen stored: once it is sent, the phone lets go of its pages, but the
  // photos just taken stay on the screen beside "sent" (they are still in memory), rather
  // than vanishing a moment after they appeared on a fast connection; "add a page" stays too.
  const storedHere = useRef(null);
  useEffect(() => {
    let live = true;
    if (task.documentId && local) {
      engine.pages(task.documentId).then((stored) => live && setPages(stored || []));
    } else if (!task.documentId || task.documentId !== storedHere.current) setPages([]);
    return () => {
      live = false;
    };
  }, [task.documentId, local, engine]);

  const store = async (next) => {
    if (next.length === 0) {
      await engine.detach(app.id, requirement.code);
      storedHere.current = null;
    } else {
      storedHere.current = await engine.attachPages(app.id, requirement.code, next, { filename: `${requirement.code}.${pagesExtension(next)}` });
    }
    setPages(next);
  };

  const add = async (files, { replace, keep = false }) => {
    setProblem(null);
    setWarning(null);
    setBusy(true);
    try {
      const plan = planPages(pages, files, { replace });
      if (plan.error) throw new CaptureError(plan.error);
      if (plan.pdf) {
        await store([plan.pdf]);
        return;
      }
      // One photo (the camera's) is decoded once, for the quality check and the compressor;
      // several are checked one at a time (a phone has no memory for five 12 MP bitmaps).
      let shared = null;
      try {
        if (!keep) {
          // Before it is stored: a photo the officer could not read is said now, with how to
          // take it better; the citizen may keep it anyway (one more tap, never a dead end).
          const codes = new Set();
          for (const file of files) {
            const bitmap = await decodePhoto(file);
            if (!bitmap) continue;
            for (const code of checkBitmap(bitmap, limitsFor(requirement.document_type)).codes) codes.add(code);
            if (files.length === 1) shared = bitmap;
            else bitmap.close?.();
          }
          if (codes.size) {
            setWarning({ codes: [...codes], files, replace });
            return;
          }
        }
        const again = new Set(plan.reencodeKept);
        const kept = await Promise.all(plan.kept.map((p) => (again.has(p) ? compressPhoto(p, { jpegOnly: true }).then((r) => r.blob) : p)));
        const fresh = [];
        for (const file of files) fresh.push((await compressPhoto(file, { jpegOnly: plan.jpegOnly, decoded: shared })).blob);
        await store([...kept, ...fresh]);
      } finally {
        shared?.close?.();
      }
    } catch (err) {
      setProblem(err instanceof CaptureError ? `capture.${err.code}` : 'capture.failed');
    } finally {
      setBusy(false);
    }
  };

  const remove = async (index) => {
    setBusy(true);
    try {
      await store(pages.filter((_, i) => i !== index));
    } finally {
      setBusy(false);
    }
  };

  const useWallet = async (document) => {
    setBusy(true);
    try {
      await engine.attachDocument(app.id, requirement.code, document.id);
    } finally {
      setBusy(false);
    }
  };

  const accept = (requirement.formats || ['jpeg', 'png', 'webp', 'pdf']).includes('pdf') ? 'image/*,application/pdf' : 'image/*';
  return (
    <section class="view" aria-labelledby="document-title" data-requirement-view={requirement.code}>
      <BackLink to={{ name: 'application', id: app.id }} label="app.backToTasks" />
      <h1 id="document-title">{pick(lang, requirement, 'title')}</h1>
      {pick(lang, requirement, 'notes') && <p class="intro">{pick(lang, requirement, 'notes')}</p>}
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} />
      <p class="place">
        <TaskTag state={task.state} />
      </p>
      {task.state === 'rejected' && (
        <div class="callout callout-warn" role="alert">
          <p>
            <strong>{t('app.officerSays')}</strong> {task.note}
          </p>
        </div>
      )}
      {(task.state === 'invalid' || task.state === 'failed') && (
        <p class="field-error" role="alert">
          {task.reason}
        </p>
      )}
      {tasks.editable && wallet.length > 0 && (
        <div class="callout callout-ok" data-wallet>
          {wallet.map((d) => (
            <button key={d.id} type="button" class="button button-wide" disabled={busy} data-action="use-wallet" onClick={() => useWallet(d)}>
              {t('doc.useVerified', { title: pick(lang, requirement, 'title') })}
              {d.expires_on && <span class="button-note"> · {t('doc.validUntil', { date: formatDate(lang, d.expires_on) })}</span>}
            </button>
          ))}
        </div>
      )}
      {task.document && task.document.source === 'wallet' && <p class="note">{t('doc.fromWallet')}</p>}
      {nikNotice && (
        <div class="callout callout-warn" role="status" data-nik-notice={nikNotice.data.result}>
          <p>{notificationText(t, states, nikNotice, lang)}</p>
        </div>
      )}

      {pages === null ? (
        <Loading t={t} rows={1} />
      ) : (
        pages.length > 0 && (
          <ol class="pages" data-pages={pages.length}>
            {pages.map((page, i) => (
              <li key={i} class="page">
                {page.type === 'application/pdf' ? (
                  <span class="page-pdf">PDF · {Math.round(page.size / 1024)} KB</span>
                ) : (
                  <img src={urls[i]} alt={t('doc.pageAlt', { n: i + 1 })} class="page-image" />
                )}
                <span class="page-meta">
                  {t('doc.page', { n: i + 1 })} · {Math.round(page.size / 1024)} KB
                </span>
                {tasks.editable && (
                  <button type="button" class="button button-small button-danger-outline" disabled={busy} onClick={() => remove(i)}>
                    {t('doc.delete')}
                  </button>
                )}
              </li>
            ))}
          </ol>
        )
      )}
      {!local && task.document && task.document.status === 'ready' && (
        <p class="note" data-sent>
          {t('doc.sent', { size: Math.round((task.document.size || 0) / 1024) })}
        </p>
      )}
      {problem && (
        <p class="field-error" role="alert">
          {t(problem)}
        </p>
      )}
      {warning && (
        <div class="callout callout-warn" role="alert" data-quality-warning={warning.codes.join(' ')}>
          <p>
            <strong>{t('quality.title')}</strong>
          </p>
          <ul>
            {warning.codes.map((code) => (
              <li key={code} data-code={code}>
                {t(`quality.${code}`)}
              </li>
            ))}
          </ul>
          <div class="actions">
            <FilePick label={t('quality.retake')} capture accept="image/*" disabled={busy} onFiles={(f) => add(f, { replace: warning.replace })} name="quality-retake" />
            <button type="button" class="button button-secondary" disabled={busy} data-action="keep-photo" onClick={() => add(warning.files, { replace: warning.replace, keep: true })}>
              {t('quality.keep')}
            </button>
          </div>
        </div>
      )}
      {tasks.editable && (
        <div class="actions capture-actions">
          <FilePick label={t(pages && pages.length ? 'doc.retake' : 'doc.takePhoto')} capture accept="image/*" disabled={busy} onFiles={(f) => add(f, { replace: true })} name="camera" />
          {pages && pages.length > 0 && pages[0].type !== 'application/pdf' && (
            <FilePick label={t('doc.addPage')} capture accept="image/*" disabled={busy} onFiles={(f) => add(f, { replace: false })} name="add-page" secondary />
          )}
          <FilePick label={t('doc.chooseFile')} accept={accept} multiple disabled={busy} onFiles={(f) => add(f, { replace: true })} name="file" secondary />
        </div>
      )}
      {busy && <p class="loading-text">{t('doc.processing')}</p>}
      <DoneButton app={app} />
    </section>
  );
}

/** A label styled as a button around a hidden file input (the camera on a phone). */
export function FilePick({ label, accept, capture, multiple, disabled, onFiles, name, secondary }) {
  return (
    <label class={`button file-pick${secondary ? ' button-secondary' : ''}${disabled ? ' is-disabled' : ''}`} data-pick={name}>
      {label}
      <input
        type="file"
        class="visually-hidden"
        accept={accept}
        capture={capture ? 'environment' : undefined}
        multiple={multiple}
        disabled={disabled}
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files && files.length) onFiles([...files]);
          e.currentTarget.value = '';
        }}
      />
    </label>
  );
}

function useObjectUrls(blobs) {
  const [urls, setUrls] = useState([]);
  useEffect(() => {
    const made = (blobs || []).map((b) => (b.type === 'application/pdf' ? null : URL.createObjectURL(b)));
    setUrls(made);
    return () => made.forEach((u) => u && URL.revokeObjectURL(u));
  }, [blobs]);
  return urls;
}
