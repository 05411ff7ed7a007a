// The supervisor's dashboard (issue #18): how the MPP (a verifier: their agency) did in a
// period, per agency and service. Charts where a picture says it faster (the came-once,
// first-time-right and SLA shares per service, the backlog by age, each officer's work),
// every figure also in a table and as CSV. The chart library (uPlot, about 22 KB gzipped) is
// in the console's entry (officer-*) only: the citizen bundle and its precache do not change.

import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { pick } from '../../format.js';
import { errorText } from '../i18n.js';
import './ops.css';
import './dashboard.css';

export const DASHBOARD_HASH = '#/dasbor';
const SECTIONS = ['services', 'backlog', 'second_visits', 'rejections', 'workload', 'floor'];
const AGES = ['0-2', '3-7', '8-14', '15+'];
const COLOURS = ['#0f6e56', '#2f5fb3', '#b7791f', '#a23b3b'];

// The MPP's days are WIB days on the server (sync/space.py), whatever the tablet's clock
// zone: after 17:00 UTC it is already tomorrow in WIB, and a UTC date would leave today out.
const WIB_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' });

function isoDay(date) {
  return WIB_DAY.format(date);
}

function defaultPeriod() {
  const last = new Date();
  const first = new Date(last.getTime() - 29 * 86400000);
  return { first: isoDay(first), last: isoDay(last) };
}

function percent(lang, share) {
  if (share === null || share === undefined) return '–';
  return `${new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 }).format(share * 100)}%`;
}

function num(value, lang) {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 2 }).format(value);
}

/** A bar chart with uPlot: categories on x, one bar each. */
function BarChart({ title, labels, series, max, unit, id }) {
  const box = useRef(null);
  useEffect(() => {
    let plot = null;
    let gone = false;
    Promise.resolve().then(() => {
      if (gone || !box.current) return;
      const width = Math.max(320, box.current.clientWidth || 480);
      const xs = labels.map((_, i) => i);
      plot = new uPlot(
        {
          width,
          height: 220,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [-0.6, labels.length - 0.4] }, y: { range: [0, max ?? null] } },
          axes: [
            { values: (_, ticks) => ticks.map((i) => (Number.isInteger(i) ? labels[i] ?? '' : '')), splits: () => xs, gap: 4, size: 40, font: '12px system-ui', stroke: '#333' },
            { values: (_, ticks) => ticks.map((v) => `${v}${unit || ''}`), font: '12px system-ui', stroke: '#333', size: 56 },
          ],
          series: [
            {},
            ...series.map((s, i) => ({
              label: s.label,
              fill: COLOURS[i % COLOURS.length],
              stroke: COLOURS[i % COLOURS.length],
              paths: uPlot.paths.bars({ size: [0.6, 64], align: 0 }),
              points: { show: false },
            })),
          ],
        },
        [xs, ...series.map((s) => s.values)],
        box.current,
      );
    });
    return () => {
      gone = true;
      plot?.destroy();
    };
  }, [JSON.stringify([labels, series, max])]);
  return (
    <figure class="chart card" data-chart={id}>
      <figcaption class="section-title">{title}</figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={title} />
    </figure>
  );
}

/** A code's title in the console's language (the report's `names`), else the code. */
function named(lang, names, kind, code) {
  return pick(lang, names?.[kind]?.[code], 'name') || code;
}

/** A chart's axis label: a title cut to fit under its bar (the table has it whole). */
function clip(text, max = 16) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// Which applications a figure counts: all, those made in the app, or walk-ins (started at
// the counter). The server splits the came-once, first-time-right and SLA counts; the
// percentiles, backlog and workload are for all of them.
const CHANNELS = ['all', 'app', 'walk_in'];

function part(row, channel) {
  return channel === 'all' ? row : row[channel];
}

export function Dashboard({ t, lang, client, me }) {
  const [period, setPeriod] = useState(defaultPeriod);
  const [agency, setAgency] = useState('');
  const [agencies, setAgencies] = useState([]);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [channel, setChannel] = useState('all');

  const query = () => {
    const q = new URLSearchParams({ first: period.first, last: period.last });
    if (agency) q.set('agency', agency);
    return q.toString();
  };

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = await client.getJson(`/api/dashboard?${query()}`);
      setData(body);
      if (!body.scope.agency) setAgencies(body.agencies);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    load();
  }, []);

  const download = async (section) => {
    try {
      const { blob, filename } = await client.request(`/api/dashboard/${section}.csv?${query()}`, { as: 'blob' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename || `dasbor-${section}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      setError(err);
    }
  };

  const active = data ? data.services.filter((s) => s.submitted || s.overdue_now || Object.values(s.backlog).some(Boolean)) : [];
  const totals = data?.totals;
  const shown = totals && part(totals, channel);
  const names = data?.names;

  return (
    <section class="ops" aria-labelledby="dash-title">
      <div class="ops-head">
        <h1 id="dash-title">{t('dash.title')}</h1>
        <form
          class="ops-filters"
          onSubmit={(e) => {
            e.preventDefault();
            load();
          }}
        >
          <label class="field">
            <span>{t('dash.first')}</span>
            <input type="date" id="dash-first" value={period.first} onInput={(e) => setPeriod({ ...period, first: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>{t('dash.last')}</span>
            <input type="date" id="dash-last" value={period.last} onInput={(e) => setPeriod({ ...period, last: e.currentTarget.value })} />
          </label>
          {me.role !== 'verifier' && data && (
            <label class="field">
              <span>{t('dash.agency')}</span>
              <select id="dash-agency" value={agency} onChange={(e) => setAgency(e.currentTarget.value)}>
                <option value="">{t('dash.allAgencies')}</option>
                {agencies.map((a) => (
                  <option value={a.code} key={a.code}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label class="field">
            <span>{t('dash.channel')}</span>
            <select id="dash-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
              {CHANNELS.map((c) => (
                <option value={c} key={c}>
                  {t(`dash.channel.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('dash.show')}
          </button>
        </form>
      </div>
      {error && (
        <p class="alert alert-bad" role="alert">
          {errorText(t, error)}
        </p>
      )}
      {!data ? (
        !error && <p class="muted">{t('loading')}</p>
      ) : (
        <>
          <p class="muted small" data-scope={data.scope.agency || data.scope.mpp}>
            {data.scope.agency_name || data.scope.mpp_name} · {data.period.first} – {data.period.last}
            {channel !== 'all' && <> · {t(`dash.channel.${channel}`)}</>}
            {data.freshness?.cached && <> · {t('dash.asOf', { time: new Date(data.freshness.as_of).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit', second: '2-digit' }) })}</>}
          </p>
          <ul class="kpis kpis-5" aria-label={t('dash.summary')}>
            <li class="kpi card" data-kpi="came_once">
              <span class="kpi-value">{percent(lang, shown.came_once_rate)}</span>
              <span class="kpi-label">{t('dash.cameOnce')}</span>
              <span class="muted small">{t('dash.ofCompleted', { n: shown.came_once, total: shown.completed })}</span>
            </li>
            <li class="kpi card" data-kpi="first_time_right">
              <span class="kpi-value">{percent(lang, shown.first_time_right_share)}</span>
              <span class="kpi-label">{t('dash.firstTimeRight')}</span>
              <span class="muted small">{t('dash.revisionsPer', { n: num(shown.revisions_per_application, lang) })}</span>
            </li>
            <li class="kpi card" data-kpi="sla">
              <span class="kpi-value">{percent(lang, shown.sla_share)}</span>
              <span class="kpi-label">{t('dash.sla')}</span>
              <span class="muted small">{t('dash.readyOf', { n: shown.ready_within_sla, total: shown.ready })}</span>
            </li>
            <li class="kpi card" data-kpi="walk_in">
              <span class="kpi-value">{percent(lang, totals.walk_in_share)}</span>
              <span class="kpi-label">{t('dash.walkIns')}</span>
              <span class="muted small">{t('dash.walkInOf', { n: totals.walk_in.submitted, total: totals.submitted })}</span>
            </li>
            <li class={`kpi card ${totals.overdue_now ? 'kpi-bad' : ''}`} data-kpi="overdue">
              <span class="kpi-value">{totals.overdue_now}</span>
              <span class="kpi-label">{t('dash.overdueNow')}</span>
              <span class="muted small">{t('dash.submitted', { n: totals.submitted })}</span>
            </li>
          </ul>
          <div class="charts">
            <BarChart
              id="came_once"
              title={t('dash.chart.cameOnce')}
              labels={active.map((s) => clip(named(lang, names, 'services', s.service)))}
              max={100}
              unit="%"
              series={[{ label: t('dash.cameOnce'), values: active.map((s) => (part(s, channel).came_once_rate === null ? null : Math.round(part(s, channel).came_once_rate * 1000) / 10)) }]}
            />
            <BarChart id="backlog" title={t('dash.chart.backlog')} labels={AGES.map((a) => t('dash.days', { n: a }))} series={[{ label: t('dash.waiting'), values: AGES.map((a) => totals.backlog_age[a]) }]} />
            {data.workload.length > 0 && (
              <BarChart id="workload" title={t('dash.chart.workload')} labels={data.workload.map((p) => p.username || p.officer_id)} series={[{ label: t('dash.actions'), values: data.workload.map((p) => p.total) }]} />
            )}
          </div>

          <Table t={t} title={t('dash.services')} section="services" onCsv={download}>
            <thead>
              <tr>
                <th scope="col">{t('dash.service')}</th>
                <th scope="col">{t('dash.col.submitted')}</th>
                <th scope="col">{t('dash.col.walkIns')}</th>
                <th scope="col">{t('dash.cameOnce')}</th>
                <th scope="col">{t('dash.firstTimeRight')}</th>
                <th scope="col">{t('dash.col.revisions')}</th>
                <th scope="col">{t('dash.sla')}</th>
                <th scope="col">{t('dash.col.median')}</th>
                <th scope="col">{t('dash.col.p90')}</th>
                <th scope="col">{t('dash.overdueNow')}</th>
              </tr>
            </thead>
            <tbody>
              {active.length === 0 && (
                <tr>
                  <td colSpan={10} class="muted">
                    {t('dash.nothing')}
                  </td>
                </tr>
              )}
              {active.map((s) => {
                const p = part(s, channel);
                return (
                <tr key={s.service} data-service={s.service}>
                  <th scope="row">
                    {pick(lang, s, 'name')}
                    <span class="muted small block">{s.agency_name}</span>
                  </th>
                  <td>{p.submitted}</td>
                  <td data-cell="walk_in">
                    {s.walk_in.submitted} <span class="muted small">({percent(lang, s.walk_in_share)})</span>
                  </td>
                  <td data-cell="came_once_rate">
                    {percent(lang, p.came_once_rate)} <span class="muted small">({p.came_once}/{p.completed})</span>
                  </td>
                  <td data-cell="first_time_right_share">{percent(lang, p.first_time_right_share)}</td>
                  <td>{num(p.revisions_per_application, lang)}</td>
                  <td data-cell="sla_share">{percent(lang, p.sla_share)}</td>
                  <td>{num(s.ready_hours_median)}</td>
                  <td>{num(s.ready_hours_p90)}</td>
                  <td class={s.overdue_now ? 'bad' : ''}>{s.overdue_now}</td>
                </tr>
                );
              })}
            </tbody>
          </Table>

          <div class="ops-two">
            <Table t={t} title={t('dash.secondVisits')} section="second_visits" onCsv={download}>
              <thead>
                <tr>
                  <th scope="col">{t('dash.requirement')}</th>
                  <th scope="col">{t('dash.col.applications')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.keys(totals.second_visit_reasons).length === 0 && (
                  <tr>
                    <td colSpan={2} class="muted">
                      {t('dash.noSecondVisits')}
                    </td>
                  </tr>
                )}
                {Object.entries(totals.second_visit_reasons).map(([code, n]) => (
                  <tr key={code}>
                    <td data-requirement={code}>{code === '(none)' ? t('dash.noRequirement') : named(lang, names, 'requirements', code)}</td>
                    <td>{n}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Table t={t} title={t('dash.rejections')} section="rejections" onCsv={download}>
              <thead>
                <tr>
                  <th scope="col">{t('dash.service')}</th>
                  <th scope="col">{t('dash.requirement')}</th>
                  <th scope="col">{t('dash.reason')}</th>
                  <th scope="col">{t('dash.col.count')}</th>
                </tr>
              </thead>
              <tbody>
                {data.rejections.length === 0 && (
                  <tr>
                    <td colSpan={4} class="muted">
                      {t('dash.nothing')}
                    </td>
                  </tr>
                )}
                {data.rejections.slice(0, 10).map((r) => (
                  <tr key={`${r.service}/${r.requirement}/${r.reason}`}>
                    <td>{named(lang, names, 'services', r.service)}</td>
                    <td>{named(lang, names, 'requirements', r.requirement)}</td>
                    <td>{r.reason ? named(lang, names, 'reasons', r.reason) : '–'}</td>
                    <td>{r.count}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>

          <div class="ops-two">
            <Table t={t} title={t('dash.backlog')} section="backlog" onCsv={download}>
              <thead>
                <tr>
                  <th scope="col">{t('dash.state')}</th>
                  <th scope="col">{t('dash.col.count')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(totals.backlog).map(([state, n]) => (
                  <tr key={state}>
                    <td>{t(`state.${state}`)}</td>
                    <td>{n}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Table t={t} title={t('dash.workload')} section="workload" onCsv={download}>
              <thead>
                <tr>
                  <th scope="col">{t('dash.officer')}</th>
                  <th scope="col">{t('dash.actions')}</th>
                  <th scope="col">{t('dash.inReview')}</th>
                </tr>
              </thead>
              <tbody>
                {data.workload.length === 0 && (
                  <tr>
                    <td colSpan={3} class="muted">
                      {t('dash.nothing')}
                    </td>
                  </tr>
                )}
                {data.workload.map((p) => (
                  <tr key={p.officer_id}>
                    <td>{p.name || p.officer_id}</td>
                    <td>{p.total}</td>
                    <td>{p.in_review_now}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>

          <div class="ops-two">
            <Table t={t} title={t('dash.floor')} section="floor" onCsv={download}>
              <tbody>
                <tr>
                  <th scope="row">{t('dash.tickets')}</th>
                  <td>{num(data.floor?.tickets)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('dash.noShows')}</th>
                  <td>
                    {num(data.floor?.no_shows)} ({percent(lang, data.floor?.no_show_share)})
                  </td>
                </tr>
                <tr>
                  <th scope="row">{t('dash.waitingTime')}</th>
                  <td>{data.floor?.waiting_avg_s == null ? '–' : t('dash.minutes', { n: Math.round(data.floor.waiting_avg_s / 60) })}</td>
                </tr>
                <tr>
                  <th scope="row">{t('dash.serviceTime')}</th>
                  <td>{data.floor?.service_avg_s == null ? '–' : t('dash.minutes', { n: Math.round(data.floor.service_avg_s / 60) })}</td>
                </tr>
              </tbody>
            </Table>
            <section class="card ops-table" aria-label={t('dash.feedback')}>
              <h2 class="section-title">{t('dash.feedback')}</h2>
              <dl class="facts">
                <dt>{t('dash.ikm')}</dt>
                <dd data-figure="ikm">{data.ikm?.ikm == null ? t('dash.ikmHidden', { n: data.ikm?.responses ?? 0 }) : `${data.ikm.ikm} (${data.ikm.band})`}</dd>
                <dt>{t('dash.complaints')}</dt>
                <dd>{data.complaints ? t('dash.complaintsOverdue', { n: data.complaints.total, overdue: data.complaints.overdue }) : '–'}</dd>
              </dl>
            </section>
          </div>
        </>
      )}
    </section>
  );
}

function Table({ t, title, section, onCsv, children }) {
  return (
    <section class="card ops-table" data-section={section}>
      <div class="ops-table-head">
        <h2 class="section-title">{title}</h2>
        <button type="button" class="btn btn-quiet btn-small" onClick={() => onCsv(section)} data-csv={section}>
          {t('dash.csv')}
        </button>
      </div>
      <table>{children}</table>
    </section>
  );
}

export { SECTIONS };
