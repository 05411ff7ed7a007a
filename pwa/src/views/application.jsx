import { useApp } from '../app-context.js';
import { useServices } from '../use-sync.js';
import { Overview } from './application-overview.jsx';
import { FormStep } from './application-form.jsx';
import { DocumentStep } from './application-document.jsx';
import { SubmitStep } from './application-submit.jsx';
import { BackLink } from './application-parts.jsx';
import { Loading } from './common.jsx';

/**
 * #/permohonan/<id>[/data | /dokumen/<code> | /kirim]: one application. The overview is a
 * task list (the data, each document, check and submit); each task is its own screen
 * (application-*.jsx). Every edit goes to the engine, which stores it on the phone before
 * it resolves, and sends it when it can. The screens read t, lang, engine, api, sync and
 * the published state machine from the app's context (../app-context.js).
 */
export function ApplicationView({ route }) {
  const { t, sync, states } = useApp();
  const app = sync.view.applications[route.id];
  const services = useServices(app ? [app.service_id] : []);
  const service = app ? services[app.service_id] : null;
  if (!app) {
    return (
      <section class="view">
        <BackLink to={{ name: 'applications' }} label="apps.back" />
        <p class="empty">{t('app.notFound')}</p>
      </section>
    );
  }
  // The service's form and the state machine come from the server (cached for offline use);
  // until both are here, nothing can say what may be edited.
  if (!service || !states.ready) {
    return (
      <section class="view">
        <BackLink to={{ name: 'applications' }} label="apps.back" />
        <Loading t={t} rows={3} />
      </section>
    );
  }
  if (route.step === 'data') return <FormStep app={app} service={service} />;
  if (route.step === 'document') {
    const requirement = service.requirements.find((r) => r.code === route.requirement);
    if (requirement) return <DocumentStep key={requirement.code} app={app} service={service} requirement={requirement} />;
  }
  if (route.step === 'submit') return <SubmitStep app={app} service={service} />;
  return <Overview app={app} service={service} />;
}
