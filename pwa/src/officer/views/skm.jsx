// The supervisor's SKM screen (issue #17): the MPP's published IKM for a period (the same
// public JSON as the printable report /skm/<mpp>: band, sample against the Krejcie-Morgan
// minimum, each element's mean) and the respondents' suggestions, which are never public
// (GET /api/officer/skm/suggestions: supervisors and admins only; the text, the service and
// the month, never who wrote it). Paged as the API pages.

import { useEffect, useState } from 'preact/hooks';
import { pick } from '../../format.js';
import { errorText } from '../i18n.js';
import './ops.css';
import './skm.css';

export const SKM_HASH = '#/skm';
export const PAGE_SIZE = 20;

/** True on the SKM screen's hash. */
export function skmRoute(hash) {
  return String(hash || '').replace(/\/$/, '') === SKM_HASH;
}

/** The periods the chooser offers: this year so far, its quarters and months up to now, and
 * last year; codes as the API takes them (`period=`). */
export function periodChoices(today, t, lang) {
  const year = today.getFullYear();
  const month = today.getMonth() + 1;
  const monthName = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { month: 'long' });
  const out = [{ code: '', label: t('skm.period.yearToDate', { year }) }];
  for (let q = Math.ceil(month / 3); q >= 1; q -= 1) {
    out.push({ code: `${year}-Q${q}`, label: t('skm.period.quarter', { n: q, year }) });
  }
  for (let m = month; m >= 1; m -= 1) {
    const name = monthName.format(new Date(year, m - 1, 15));
    out.push({ code: `${year}-${String(m).padStart(2, '0')}`, label: `${name} ${year}` });
  }
  out.push({ code: String(year - 1), label: t('skm.period.year', { year: year - 1 }) });
  return out;
}

function score(lang, value) {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

function monthText(lang, yyyymm) {
  const [y, m] = String(yyyymm).split('-').map(Number);
  if (!y || !m) return yyyymm;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { month: 'long', year: 'numeric' }).format(new Date(y, m - 1, 15));
}

function Summary({ t, lang, report }) {
  const unit = report.unit;
  return (
    <section class="card skm-summary" aria-labelledby="skm-ikm-title" data-skm-unit>
      <h2 id="skm-ikm-title" class="section-title">
        {t('skm.ikmOf', { mpp: report.mpp.name })} · {pick(lang, report.period, 'label')}
      </h2>
      <div class="skm-ikm">
        <p class="skm-ikm-value" data-ikm={unit.ikm ?? ''}>
          {unit.shown ? score(lang, unit.ikm) : '–'}
        </p>
        <div>
          {unit.band ? (
            <p class="skm-band" data-band={unit.band.grade}>
              <strong>{unit.band.grade}</strong> · {pick(lang, unit.band, 'words')}
            </p>
          ) : (
            <p class="muted" data-hidden-scores>{t('skm.tooFew', { n: report.minimum_group })}</p>
          )}
          <p class={unit.sample_below_minimum ? 'skm-sample skm-short' : 'skm-sample'} data-sample={unit.responses}>
            {t('skm.sample', { n: unit.responses, min: unit.minimum_sample, population: unit.population })}
            {unit.sample_below_minimum && ` ${t('skm.belowMinimum')}`}
          </p>
        </div>
      </div>
      <div class="ops-table">
        <table>
          <caption class="section-title">{t('skm.elements')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('skm.element')}</th>
              <th scope="col">{t('skm.mean')}</th>
            </tr>
          </thead>
          <tbody>
            {report.elements.map((element) => (
              <tr key={element.key} data-element={element.key}>
                <th scope="row">
                  {element.key.toUpperCase()} · {pick(lang, element, 'name')}
                </th>
                <td>{score(lang, unit.elements?.[element.key])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Suggestions({ t, lang, list, names, setOffset, busy }) {
  const offset = list.offset; // the page shown (the next one may still be on its way)
  const last = Math.min(offset + list.items.length, list.total);
  return (
    <section class="card" aria-labelledby="skm-suggestions-title" data-skm-suggestions={list.total}>
      <h2 id="skm-suggestions-title" class="section-title">
        {t('skm.suggestions')}
      </h2>
      <p class="muted small">{t('skm.suggestionsNote')}</p>
      {list.total === 0 ? (
        <p class="muted" data-skm-empty>{t('skm.noSuggestions')}</p>
      ) : (
        <>
          <p class="small" aria-live="polite">
            {t('skm.showing', { first: offset + 1, last, total: list.total })}
          </p>
          <ol class="skm-list" start={offset + 1}>
            {list.items.map((item, i) => (
              <li key={`${offset}-${i}`} class="skm-item" data-suggestion>
                <p class="skm-text">{item.suggestion}</p>
                <p class="muted small">
                  <span data-service={item.service}>{names[item.service] || item.service}</span> · {monthText(lang, item.month)}
                </p>
              </li>
            ))}
          </ol>
          <div class="skm-pager">
            <button type="button" class="btn" disabled={busy || offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))} data-page="previous">
              {t('skm.previous')}
            </button>
            <button type="button" class="btn" disabled={busy || last >= list.total} onClick={() => setOffset(offset + PAGE_SIZE)} data-page="next">
              {t('skm.next')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

export function Skm({ t, lang, client, me }) {
  const [choices] = useState(() => periodChoices(new Date(), t, lang));
  const [period, setPeriod] = useState('');
  const [mpp, setMpp] = useState(me.mpp || '');
  const [mppInput, setMppInput] = useState(me.mpp || '');
  const [offset, setOffset] = useState(0);
  const [report, setReport] = useState(null);
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!mpp) return undefined;
    let gone = false;
    setBusy(true);
    setError(null);
    const query = new URLSearchParams(period ? { period } : {});
    const own = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset), ...(period ? { period } : {}), ...(me.role === 'admin' ? { mpp } : {}) });
    Promise.all([
      client.getJson(`/api/mpps/${encodeURIComponent(mpp)}/skm?${query}`),
      client.getJson(`/api/officer/skm/suggestions?${own}`),
    ])
      .then(([published, suggestions]) => {
        if (gone) return;
        setReport(published);
        setList({ ...suggestions, offset });
      })
      .catch((err) => !gone && setError(err))
      .finally(() => !gone && setBusy(false));
    return () => {
      gone = true;
    };
  }, [client, mpp, period, offset, me.role]);

  const names = {};
  for (const agency of report?.agencies || []) {
    for (const service of agency.services) names[service.code] = pick(lang, service, 'name');
  }
  const printable = mpp ? `/skm/${encodeURIComponent(mpp)}?${new URLSearchParams({ ...(period ? { period } : {}), ...(lang === 'en' ? { lang: 'en' } : {}) })}`.replace(/\?$/, '') : null;

  return (
    <section class="ops" aria-labelledby="skm-title" data-skm>
      <div class="ops-head">
        <h1 id="skm-title">{t('skm.title')}</h1>
        <form
          class="ops-filters"
          onSubmit={(e) => {
            e.preventDefault();
            setOffset(0);
            setMpp(mppInput.trim());
          }}
        >
          {me.role === 'admin' && (
            <label class="field">
              <span>{t('skm.mpp')}</span>
              <input id="skm-mpp" value={mppInput} onInput={(e) => setMppInput(e.currentTarget.value)} />
            </label>
          )}
          <label class="field">
            <span>{t('skm.period')}</span>
            <select
              id="skm-period"
              value={period}
              onChange={(e) => {
                setOffset(0);
                setPeriod(e.currentTarget.value);
              }}
            >
              {choices.map((c) => (
                <option value={c.code} key={c.code}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          {me.role === 'admin' && (
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {t('skm.show')}
            </button>
          )}
          {printable && (
            <a class="btn" href={printable} target="_blank" rel="noopener" data-skm-report>
              {t('skm.printable')}
            </a>
          )}
        </form>
      </div>
      {error && (
        <p class="alert alert-bad" role="alert">
          {errorText(t, error)}
        </p>
      )}
      {!mpp ? (
        <p class="muted">{t('skm.chooseMpp')}</p>
      ) : !report || !list ? (
        !error && <p class="muted">{t('loading')}</p>
      ) : (
        <div class="skm-grid">
          <Summary t={t} lang={lang} report={report} />
          <Suggestions t={t} lang={lang} list={list} names={names} setOffset={setOffset} busy={busy} />
        </div>
      )}
    </section>
  );
}
