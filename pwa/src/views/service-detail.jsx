import { useApp } from '../app-context.js';
import { formatFeeWithNote, formatSla, pick } from '../format.js';
import { hrefFor } from '../router.js';
import { useJson } from '../use-json.js';
import { ErrorPanel, Loading } from './common.jsx';

/**
 * A service's standard, read before starting: what it gives, how long it takes, what it
 * costs, which documents to photograph, the steps, and what to bring to the one visit.
 * `onStart(service)` starts an application (offline too: the standard is cached).
 */
export function ServiceDetail({ code, onStart, starting }) {
  const { t, lang } = useApp();
  const { status, data: service, error, retry } = useJson(`/api/services/${encodeURIComponent(code)}`);
  const mppCode = code.split('.')[0];
  return (
    <section class="view" aria-labelledby="service-title">
      <p class="back">
        <a href={hrefFor({ name: 'mpp', code: mppCode })} class="back-link">
          <span aria-hidden="true">←</span>
          {t('service.back')}
        </a>
      </p>
      {status === 'loading' && <Loading t={t} rows={4} />}
      {status === 'error' && <ErrorPanel t={t} error={error} offlineKey="service.offline" onRetry={retry} />}
      {status === 'ok' && <Standard service={service} onStart={onStart} starting={starting} />}
    </section>
  );
}

function Standard({ service, onStart, starting }) {
  const { t, lang } = useApp();
  const requirements = Array.isArray(service.requirements) ? service.requirements : [];
  const procedure = Array.isArray(service.procedure) ? service.procedure : [];
  const required = requirements.filter((r) => r.required);
  const feeNote = pick(lang, service, 'fee_note');
  return (
    <div data-service-code={service.code}>
      <h1 id="service-title">{pick(lang, service, 'name')}</h1>
      <p class="place">
        {service.agency && service.agency.name} · {service.mpp_name}
      </p>
      {pick(lang, service, 'description') && <p class="intro">{pick(lang, service, 'description')}</p>}
      <dl class="facts">
        <div>
          <dt>{t('service.sla')}</dt>
          <dd data-sla>{formatSla(t, service.sla_days)}</dd>
        </div>
        <div>
          <dt>{t('service.fee')}</dt>
          <dd data-fee>{formatFeeWithNote(lang, t, service.fee, feeNote)}</dd>
        </div>
        {pick(lang, service, 'product') && (
          <div>
            <dt>{t('service.product')}</dt>
            <dd>{pick(lang, service, 'product')}</dd>
          </div>
        )}
        <div>
          <dt>{t('service.delivery')}</dt>
          <dd>{t(service.delivery === 'digital' ? 'service.digital' : 'service.pickup')}</dd>
        </div>
      </dl>

      <h2>{t('service.requirements')}</h2>
      <p class="section-intro">{t('service.requirementsIntro')}</p>
      <ol class="requirement-list">
        {requirements.map((r) => (
          <li key={r.code} class="requirement-item" data-requirement={r.code}>
            <span class="requirement-title">{pick(lang, r, 'title')}</span>
            {!r.required && <span class="badge badge-soon"> {t('service.optional')}</span>}
            {pick(lang, r, 'notes') && <span class="requirement-notes">{pick(lang, r, 'notes')}</span>}
          </li>
        ))}
      </ol>

      {procedure.length > 0 && (
        <>
          <h2>{t('service.procedure')}</h2>
          <ol class="steps">
            {procedure.map((step, i) => (
              <li key={i}>{lang === 'en' ? step.en || step.id : step.id || step.en}</li>
            ))}
          </ol>
        </>
      )}

      <h2>{t('service.visit')}</h2>
      <p class="section-intro">
        {service.delivery === 'digital' ? t('service.visitDigital') : t('service.visitPickup')}
      </p>
      {service.delivery !== 'digital' && required.length > 0 && (
        <ul class="bring-list">
          {required.map((r) => (
            <li key={r.code}>{t('service.original', { title: pick(lang, r, 'title') })}</li>
          ))}
        </ul>
      )}

      {onStart && service.active !== false && (
        <div class="actions">
          <button
            type="button"
            class="button button-wide"
            data-action="start"
            disabled={starting}
            onClick={() => onStart(service)}
          >
            {t(starting ? 'service.starting' : 'service.start')}
          </button>
        </div>
      )}
      {service.active === false && <p class="note">{t('service.inactive')}</p>}
    </div>
  );
}
