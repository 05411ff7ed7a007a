// The officer console: sign-in, then the queue, one application's review, or a visit.
// A separate Vite entry (officer.html): nothing here is in the citizen bundle or in the
// citizen service worker's precache.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { getStorage } from '../storage.js';
import { loadLang, otherLang, saveLang } from '../i18n.js';
import { officerClient } from './client.js';
import { makeOfficerT } from './i18n.js';
import { parseRoute, routeHref } from './logic.js';
import { sessionStorageOrNull, tokenStore } from './session.js';
import { SignIn } from './views/sign-in.jsx';
import { Queue } from './views/queue.jsx';
import { Review } from './views/review.jsx';
import { Visit } from './views/visit.jsx';
import { Counter } from './views/counter.jsx';
import { ComplaintDetail, Complaints, complaintRoute } from './views/complaints.jsx';
import { Dashboard } from './views/dashboard.jsx';
import { AuditLog, SetPassword, Staff, opsRoute } from './views/staff.jsx';
import { WalkIn, walkInRoute } from './views/walk-in.jsx';
import { forgetOfficerWalkIns, idbPhotoStore } from './views/walk-in-drafts.js';
import { Skm, skmRoute } from './views/skm.jsx';
import { Catalog, catalogRoute } from './views/catalog.jsx';

export function OfficerApp() {
  const [lang, setLang] = useState(() => loadLang(getStorage()));
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const [me, setMe] = useState(null);
  const [checking, setChecking] = useState(true);
  const tokens = useMemo(() => tokenStore(sessionStorageOrNull()), []);
  const t = useMemo(() => makeOfficerT(lang), [lang]);

  const client = useMemo(
    () =>
      officerClient({
        tokens,
        getLang: () => document.documentElement.lang || 'id',
        onSessionEnded: () => {
          tokens.clear();
          setMe(null);
        },
      }),
    [tokens],
  );

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${t('title')} · Sekali Datang`;
  }, [lang, t]);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // A token left from earlier in this tab: check it is still good.
  useEffect(() => {
    if (!tokens.get()) {
      setChecking(false);
      return;
    }
    client
      .me()
      .then(setMe)
      .catch(() => {})
      .finally(() => setChecking(false));
  }, [client, tokens]);

  const switchLang = () => {
    const next = otherLang(lang);
    saveLang(getStorage(), next);
    setLang(next);
  };
  const navigate = useCallback((next) => {
    location.hash = routeHref(next);
  }, []);
  const signOut = async () => {
    // A deliberate sign-out leaves no citizen's walk-in details on a shared tablet: the
    // typed ones go at once (synchronously, before the first await inside), the kept photos
    // as IndexedDB gets to them; the sign-out never waits on IndexedDB.
    if (me) forgetOfficerWalkIns(getStorage(), idbPhotoStore(), me.id ?? 'officer').catch(() => {});
    try {
      await client.signOut();
    } catch {
      // the token is dropped here either way; the server ends it when it expires
    }
    setMe(null);
    navigate({ name: 'queue' });
  };

  return (
    <div class="console">
      <header class="bar">
        <a class="bar-brand" href="#/">
          <img src="/icons/icon.svg" alt="" width="32" height="32" />
          <span>
            <strong>Sekali Datang</strong> <span class="bar-sub">{t('title')}</span>
          </span>
        </a>
        {me && !me.must_change_password && (
          <nav class="bar-nav" aria-label={t('title')}>
            <a href="#/" aria-current={(route.name === 'queue' && !complaintRoute(location.hash) && !skmRoute(location.hash) && !catalogRoute(location.hash) && !opsRoute(location.hash) && !walkInRoute(location.hash)) || route.name === 'review' ? 'page' : undefined} data-nav="queue">
              {t('nav.queue')}
            </a>
            <a href="#/kunjungan" aria-current={route.name === 'visit' ? 'page' : undefined} data-nav="visit">
              {t('nav.visit')}
            </a>
            <a href="#/loket" aria-current={route.name === 'counter' ? 'page' : undefined} data-nav="counter">
              {t('nav.counter')}
            </a>
            <a href="#/loket-baru" aria-current={walkInRoute(location.hash) ? 'page' : undefined} data-nav="walk-in">
              {t('nav.walkIn')}
            </a>
            <a href="#/pengaduan" aria-current={complaintRoute(location.hash) ? 'page' : undefined} data-nav="complaints">
              {t('nav.complaints')}
            </a>
            <a href="#/dasbor" aria-current={opsRoute(location.hash) === 'dashboard' ? 'page' : undefined} data-nav="dashboard">
              {t('nav.dashboard')}
            </a>
            {me.role !== 'verifier' && (
              <a href="#/petugas" aria-current={['staff', 'audit'].includes(opsRoute(location.hash)) ? 'page' : undefined} data-nav="staff">
                {t('nav.staff')}
              </a>
            )}
            {me.role === 'admin' && (
              <a href="#/katalog" aria-current={catalogRoute(location.hash) ? 'page' : undefined} data-nav="catalog">
                {t('nav.catalog')}
              </a>
            )}
            {['supervisor', 'admin'].includes(me.role) && (
              <a href="#/skm" aria-current={skmRoute(location.hash) ? 'page' : undefined} data-nav="skm">
                {t('nav.skm')}
              </a>
            )}
          </nav>
        )}
        <div class="bar-end">
          {me && (
            <span class="bar-who" data-officer={me.username}>
              {me.full_name} · {t(`role.${me.role}`)}
              {me.agency_name ? ` · ${me.agency_name}` : ''}
            </span>
          )}
          <button type="button" class="btn btn-quiet" onClick={switchLang} lang={otherLang(lang)}>
            {t('lang.switch')}
          </button>
          {me && (
            <button type="button" class="btn btn-quiet" onClick={signOut} data-action="signout">
              {t('signout')}
            </button>
          )}
        </div>
      </header>
      <main class="console-main" id="main">
        {checking ? (
          <p class="muted">{t('loading')}</p>
        ) : !me ? (
          <SignIn t={t} client={client} onSignedIn={setMe} />
        ) : me.must_change_password ? (
          <SetPassword t={t} client={client} me={me} onDone={setMe} />
        ) : walkInRoute(location.hash) ? (
          <WalkIn t={t} lang={lang} client={client} tokens={tokens} route={walkInRoute(location.hash)} me={me} />
        ) : catalogRoute(location.hash) && me.role === 'admin' ? (
          <Catalog t={t} lang={lang} client={client} me={me} />
        ) : skmRoute(location.hash) && ['supervisor', 'admin'].includes(me.role) ? (
          <Skm t={t} lang={lang} client={client} me={me} />
        ) : opsRoute(location.hash) === 'dashboard' ? (
          <Dashboard t={t} lang={lang} client={client} me={me} />
        ) : opsRoute(location.hash) === 'staff' && me.role !== 'verifier' ? (
          <Staff t={t} lang={lang} client={client} me={me} />
        ) : opsRoute(location.hash) === 'audit' && me.role !== 'verifier' ? (
          <AuditLog t={t} lang={lang} client={client} />
        ) : complaintRoute(location.hash)?.id ? (
          <ComplaintDetail key={complaintRoute(location.hash).id} t={t} lang={lang} client={client} id={complaintRoute(location.hash).id} />
        ) : complaintRoute(location.hash) ? (
          <Complaints t={t} lang={lang} client={client} me={me} />
        ) : route.name === 'review' ? (
          <Review key={route.id} t={t} lang={lang} client={client} me={me} id={route.id} navigate={navigate} />
        ) : route.name === 'counter' ? (
          <Counter t={t} lang={lang} client={client} navigate={navigate} />
        ) : route.name === 'visit' ? (
          <Visit t={t} lang={lang} client={client} navigate={navigate} />
        ) : (
          <Queue t={t} lang={lang} client={client} navigate={navigate} />
        )}
      </main>
    </div>
  );
}
