import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { request, sessionApi } from './api.js';
import { loadLang, makeT, otherLang, saveLang, translate } from './i18n.js';
import { hrefFor, parseHash } from './router.js';
import { clearToken, getToken, setToken } from './session-store.js';
import { CHOSEN_MPP_KEY, getStorage, readItem, writeItem } from './storage.js';
import { registerServiceWorker } from './sw-register.js';
import { forgetPush } from './push.js';
import { isSyncNowMessage } from '../service-worker/push.js';
import { AppContext } from './app-context.js';
import { Loading } from './views/common.jsx';
import { MppDetail } from './views/mpp-detail.jsx';
import { MppList } from './views/mpp-list.jsx';
import { Profile } from './views/profile.jsx';
import { ServiceDetail } from './views/service-detail.jsx';
import { ApplicationView } from './views/application.jsx';
import { Applications } from './views/applications.jsx';
import { useStates } from './views/state-badge.jsx';
import { createBrowserSyncEngine } from './sync/index.js';
import { useSync } from './use-sync.js';
import { SignIn } from './views/sign-in.jsx';
import { VisitDetail, Visits } from './views/visits.jsx';
import { SurveyPrompt, SurveyView } from './views/survey.jsx';
import { ComplaintDetail, ComplaintForm, Complaints } from './views/complaints.jsx';

export function App() {
  const storage = useMemo(getStorage, []);
  const [lang, setLang] = useState(() => loadLang(storage));
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  const [chosen, setChosen] = useState(() => readItem(storage, CHOSEN_MPP_KEY));
  const [applyUpdate, setApplyUpdate] = useState(null);
  // The session token: undefined while it is read from IndexedDB, then a string or null.
  const [token, setTokenState] = useState(undefined);
  // A one-off message for one route ("you are signed out"), gone once the user moves on.
  const [flash, setFlash] = useState(null);
  // Where a sign-in asked for by a screen (its "sign in to send" link) goes back to, and
  // the phone number already typed there: {route, phone} or null.
  const [signInReturn, setSignInReturn] = useState(null);
  const t = useMemo(() => makeT(lang), [lang]);
  const main = useRef(null);
  const firstRoute = useRef(true);
  const tokenRef = useRef(undefined);
  const langRef = useRef(lang);
  langRef.current = lang;

  const applyToken = useCallback((value) => {
    tokenRef.current = value;
    setTokenState(value);
  }, []);

  useEffect(() => {
    let live = true;
    getToken().then((stored) => {
      if (live && tokenRef.current === undefined) applyToken(stored || null);
    });
    return () => {
      live = false;
    };
  }, [applyToken]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${t('app.name')} · ${t('app.tagline')}`;
  }, [lang, t]);

  useEffect(() => {
    const onHashChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    onHashChange(); // a change of address made before this listener was there
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  // After a route change, start screen readers and keyboards at the new view.
  useEffect(() => {
    setFlash((current) => (current && current.route !== route.name ? null : current));
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    window.scrollTo(0, 0);
    // preventScroll: focusing <main> must not undo the scroll to the top above.
    if (main.current) main.current.focus({ preventScroll: true });
  }, [route.name, route.code, route.id, route.step, route.requirement]);

  /**
   * Go to `target` now: the route state changes in the same render as whatever state the
   * caller changes with it (no frame of the old view with the new state), and the hash
   * follows. `replace` keeps the step out of the back button's way (#/masuk after signing in).
   */
  const navigate = useCallback((target, { replace = false } = {}) => {
    const href = hrefFor(target);
    setRoute(parseHash(href));
    if (window.location.hash === href) return;
    if (replace) window.history.replaceState(null, '', href);
    else window.location.hash = href;
  }, []);

  useEffect(() => {
    registerServiceWorker({ onUpdateReady: (apply) => setApplyUpdate(() => apply) });
  }, []);

  /**
   * The server said the session is over (401): forget the token, and only the token
   * (drafts and everything else on the phone stay), then ask for a sign-in again. A 401
   * for a token we no longer hold (signed out, or signed in again since) changes nothing.
   */
  const sessionEnded = useCallback(
    (error, failedToken) => {
      if (!failedToken || failedToken !== tokenRef.current) return;
      applyToken(null);
      clearToken();
      const text = (error && error.serverMessage) || translate(langRef.current, 'session.ended');
      setFlash({ route: 'signin', tone: 'warn', text });
      navigate({ name: 'signin' });
    },
    [applyToken, navigate],
  );

  const api = useMemo(
    () =>
      sessionApi({
        getToken: () => tokenRef.current,
        getLang: () => langRef.current,
        onSessionEnded: sessionEnded,
      }),
    [sessionEnded],
  );

  // The sync engine: one per page, started at once so drafts made offline are there.
  const engine = useMemo(() => createBrowserSyncEngine({ api, getToken: () => Promise.resolve(tokenRef.current) }), [api]);
  const sync = useSync(engine);
  const states = useStates(lang);
  const [starting, setStarting] = useState(false);
  useEffect(() => {
    engine.start();
    // A push arrived (the service worker says so): the server has news, pull it now.
    const onMessage = (event) => isSyncNowMessage(event.data) && engine.sync();
    navigator.serviceWorker?.addEventListener('message', onMessage);
    return () => {
      navigator.serviceWorker?.removeEventListener('message', onMessage);
      engine.stop();
    };
  }, [engine]);
  // A session from an earlier visit: make sure the engine knows whose drafts these are.
  useEffect(() => {
    if (!token) return;
    api.getJson('/api/me').then(
      (me) => engine.setAccount(String(me.id)),
      () => {}, // offline: the engine keeps what it knew and tries again next start
    );
  }, [token, api, engine]);

  const startApplication = async (service) => {
    setStarting(true);
    try {
      const id = await engine.createApplication(service.code);
      navigate({ name: 'application', id });
    } finally {
      setStarting(false);
    }
  };
  const syncNow = useCallback(() => engine.sync(), [engine]);
  const context = useMemo(
    () => ({ t, lang, engine, api, sync, states, navigate, route, onSyncNow: syncNow, signInFrom: setSignInReturn }),
    [t, lang, engine, api, sync, states, navigate, route, syncNow],
  );

  const signedIn = async (result) => {
    await setToken(result.token);
    applyToken(result.token);
    // Back to the screen that asked for the sign-in, if one did; else the profile.
    const back = signInReturn?.route && signInReturn.route.name !== 'signin' ? signInReturn.route : { name: 'profile' };
    setSignInReturn(null);
    setFlash({ route: back.name, tone: 'ok', key: result.new_account && back.name === 'profile' ? 'signin.welcomeNew' : 'signin.welcome' });
    navigate(back, { replace: true });
    // Drafts made before signing in now belong to this citizen, and go out at once.
    if (result.citizen && result.citizen.id) engine.setAccount(String(result.citizen.id)).catch(() => {});
    if (result.citizen && result.citizen.language !== langRef.current) {
      // The language for messages from the MPP follows the app's; best effort.
      api.request('/api/me', { method: 'PATCH', body: { language: langRef.current } }).catch(() => {});
    }
  };

  /** Sign out here: forget the token at once, tell the server when we can. */
  const signOut = async ({ server, flashKey }) => {
    const old = tokenRef.current;
    setFlash({ route: 'list', tone: 'ok', key: flashKey });
    navigate({ name: 'list' });
    applyToken(null);
    await clearToken();
    forgetPush(); // the server drops this device's subscriptions with the session
    if (server && old) {
      request('/api/auth/logout', { method: 'POST', token: old, lang: langRef.current }).catch(() => {
        // offline or already ended: the session lapses on the server by itself, and the
        // citizen can remove this device from another one
      });
    }
  };

  const switchLang = () => {
    const next = otherLang(lang);
    saveLang(storage, next);
    setLang(next);
    if (tokenRef.current) {
      api.request('/api/me', { method: 'PATCH', body: { language: next } }).catch(() => {});
    }
  };

  const choose = (code) => {
    writeItem(storage, CHOSEN_MPP_KEY, code);
    setChosen(code);
  };

  let view;
  if (route.name === 'mpp') {
    view = <MppDetail key={route.code} code={route.code} />;
  } else if (route.name === 'service') {
    view = <ServiceDetail key={route.code} code={route.code} onStart={startApplication} starting={starting} />;
  } else if (route.name === 'applications') {
    view = <Applications />;
  } else if (route.name === 'application') {
    view = <ApplicationView key={route.id} route={route} />;
  } else if (route.name === 'visits') {
    view = <Visits />;
  } else if (route.name === 'visit') {
    view = <VisitDetail key={route.id} id={route.id} />;
  } else if (route.name === 'complaints') {
    view = <Complaints />;
  } else if (route.name === 'complaint-new') {
    view = <ComplaintForm key={route.application || 'mpp'} applicationId={route.application} />;
  } else if (route.name === 'complaint') {
    view = <ComplaintDetail key={route.id} id={route.id} />;
  } else if (route.name === 'survey') {
    view = <SurveyView key={route.id} id={route.id} />;
  } else if (route.name === 'signin' || route.name === 'profile') {
    // Either address shows whichever of the two fits: the profile needs a session, and
    // signing in again with one is pointless.
    if (token === undefined) view = <Loading t={t} rows={2} />;
    else if (token) view = <Profile onSignOut={signOut} />;
    else view = <SignIn onSignedIn={signedIn} initialPhone={signInReturn?.phone} />;
  } else {
    view = <MppList chosen={chosen} onChoose={choose} />;
  }

  const shownFlash = flash && flash.route === route.name ? flash : null;
  const accountRoute = route.name === 'signin' || route.name === 'profile';

  return (
    <AppContext.Provider value={context}>
      <header class="site-header">
        <a class="brand" href={hrefFor({ name: 'list' })}>
          <img class="brand-icon" src="/icons/icon.svg" alt="" width="40" height="40" />
          <div>
            <p class="brand-name">{t('app.name')}</p>
            <p class="brand-tagline">{t('app.tagline')}</p>
          </div>
        </a>
        <nav class="header-nav" aria-label={t('nav.label')}>
          <a
            class="header-link"
            href={hrefFor({ name: 'applications' })}
            data-nav="applications"
            aria-label={pendingCount(sync.status) > 0 ? t('nav.applicationsPending', { n: pendingCount(sync.status) }) : undefined}
            aria-current={['applications', 'application', 'visits', 'visit', 'survey', 'complaints', 'complaint', 'complaint-new'].includes(route.name) ? 'page' : undefined}
          >
            {t('nav.applications')}
            {pendingCount(sync.status) > 0 && (
              <>
                {' '}
                <span class="nav-count">{pendingCount(sync.status)}</span>
              </>
            )}
          </a>
          {token === undefined ? null : token ? (
            <a
              class="header-link"
              href={hrefFor({ name: 'profile' })}
              data-nav="profile"
              aria-current={accountRoute ? 'page' : undefined}
            >
              {t('nav.profile')}
            </a>
          ) : (
            <a
              class="header-link"
              href={hrefFor({ name: 'signin' })}
              data-nav="signin"
              aria-current={accountRoute ? 'page' : undefined}
            >
              {t('nav.signin')}
            </a>
          )}
          <button type="button" class="lang-switch" lang={otherLang(lang)} onClick={switchLang}>
            {t('lang.switch')}
          </button>
        </nav>
      </header>
      <main id="main" class="main" tabIndex={-1} ref={main}>
        {shownFlash && (
          <p class={`flash flash-${shownFlash.tone}`} role={shownFlash.tone === 'warn' ? 'alert' : 'status'}>
            {shownFlash.key ? t(shownFlash.key) : shownFlash.text}
          </p>
        )}
        {['applications', 'application'].includes(route.name) && !route.step && <SurveyPrompt />}
        {view}
      </main>
      {applyUpdate && (
        <div class="update-banner" role="status">
          <span>{t('update.available')}</span>
          <button type="button" class="button button-light" onClick={applyUpdate}>
            {t('update.reload')}
          </button>
        </div>
      )}
    </AppContext.Provider>
  );
}

function pendingCount(status) {
  return status ? (status.pendingMutations || 0) + (status.pendingUploads || 0) : 0;
}
