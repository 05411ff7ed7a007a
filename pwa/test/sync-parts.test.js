import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jpegInfo, jpegPagesToPdf } from '../src/sync/engine/pdf.js';
import { backoffDelay } from '../src/sync/engine/backoff.js';
import { statusLines, statusText } from '../src/sync/engine/status.js';
import { makeT } from '../src/i18n.js';

// A minimal JPEG header: SOI, SOF0 (8-bit, height 30, width 40, 3 components), EOI.
const tinyJpeg = (h = 30, w = 40) =>
  new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, h, 0, w, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]);

describe('several pages as one PDF', () => {
  it('reads a JPEG frame size', () => {
    assert.deepEqual(jpegInfo(tinyJpeg()), { height: 30, width: 40, components: 3 });
    assert.throws(() => jpegInfo(new Uint8Array([0x89, 0x50])), /not a JPEG/);
  });

  it('embeds each JPEG unchanged, with a correct cross-reference table', () => {
    const pages = [tinyJpeg(30, 40), tinyJpeg(80, 40)];
    const pdf = jpegPagesToPdf(pages);
    const text = new TextDecoder('latin1').decode(pdf);
    assert.ok(text.startsWith('%PDF-1.4'));
    assert.match(text, /\/Count 2/);
    const xref = Number(/startxref\n(\d+)/.exec(text)[1]);
    assert.equal(text.slice(xref, xref + 4), 'xref');
    const offsets = [...text.slice(xref).matchAll(/(\d{10}) 00000 n/g)].map((m) => Number(m[1]));
    offsets.forEach((at, i) => assert.equal(text.slice(at, at + `${i + 1} 0 obj`.length), `${i + 1} 0 obj`));
    assert.match(text, /\/MediaBox \[0 0 595 1190\]/); // 40x80 drawn 595 wide
    assert.deepEqual(jpegPagesToPdf(pages), pdf, 'deterministic');
  });
});

describe('backoff', () => {
  it('grows, is capped and jittered', () => {
    assert.equal(backoffDelay(0), 0);
    assert.equal(backoffDelay(1, { random: () => 0 }), 1000);
    assert.equal(backoffDelay(3, { random: () => 1 }), 8000);
    assert.equal(backoffDelay(40, { random: () => 1, cap: 300000 }), 300000);
  });
});

describe('status line', () => {
  const base = { online: true, syncing: false, pendingMutations: 0, pendingUploads: 0, failedUploads: 0, rejections: 0, lastSyncedAt: null, lastError: null, needsSignIn: false, storagePersisted: true };
  it('says what is not yet sent, in both languages', () => {
    const s = { ...base, pendingUploads: 2, pendingMutations: 1, online: false };
    assert.deepEqual(statusLines(s, makeT('id')), ['2 dokumen belum terkirim', '1 perubahan belum terkirim', 'Tidak ada koneksi. Akan dikirim saat tersambung.']);
    assert.equal(statusText(s, makeT('en')), '2 documents not yet sent');
    assert.equal(statusText({ ...base, pendingUploads: 1 }, makeT('en')), '1 document not yet sent');
    assert.equal(statusText({ ...base, needsSignIn: true, pendingMutations: 3 }, makeT('id')), 'Masuk untuk mengirim draf Anda.');
    assert.equal(statusText({ ...base, lastSyncedAt: 1 }, makeT('en')), 'Everything is sent.');
    assert.match(statusLines({ ...base, storagePersisted: false }, makeT('id')).at(-1), /menghapus draf/);
  });
  it('never says "everything is sent" together with "send your drafts soon"', () => {
    const sent = statusLines({ ...base, storagePersisted: false, lastSyncedAt: 1 }, makeT('id'));
    assert.deepEqual(sent, ['Semua sudah terkirim.']);
    const waiting = statusLines({ ...base, storagePersisted: false, lastSyncedAt: 1, pendingMutations: 1 }, makeT('id'));
    assert.match(waiting.at(-1), /Kirim draf Anda segera/);
    assert.ok(!waiting.includes('Semua sudah terkirim.'));
  });
});
