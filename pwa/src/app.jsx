import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { loadLang, makeT, otherLang, saveLang } from './i18n.js';
import { parseHash } from './router.js';
import { CHOSEN_MPP_KEY, getStorage, readItem, writeItem } from './storage.js';
import { registerServiceWorker } from './sw-register.js';
import { MppDetail } from './views/mpp-detail.jsx';
import { MppList } from './views/mpp-list.jsx';

export function App() {
  const storage = useMemo(getStorage, []);
  const [lang, setLang] = useState(() => loadLang(storage));
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  const [chosen, setChosen] = useState(() => readItem(storage, CHOSEN_MPP_KEY));
  const [applyUpdate, setApplyUpdate] = useState(null);
  const t = useMemo(() => makeT(lang), [lang]);
  const main = useRef(null);
  const firstRoute = useRef(true);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${t('app.name')} · ${t('app.tagline')}`;
  }, [lang, t]);

  useEffect(() => {
    const onHashChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  // After a route change, start screen readers and keyboards at the new view.
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    window.scrollTo(0, 0);
    if (main.current) main.current.focus();
  }, [route.name, route.code]);

  useEffect(() => {
    registerServiceWorker({ onUpdateReady: (apply) => setApplyUpdate(() => apply) });
  }, []);

  const switchLang = () => {
    const next = otherLang(lang);
    saveLang(storage, next);
    setLang(next);
  };

  const choose = (code) => {
    writeItem(storage, CHOSEN_MPP_KEY, code);
    setChosen(code);
  };

  return (
    <>
      <header class="site-header">
        <div class="brand">
          <img class="brand-icon" src="/icons/icon.svg" alt="" width="40" height="40" />
          <div>
            <p class="brand-name">{t('app.name')}</p>
            <p class="brand-tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <button type="button" class="lang-switch" lang={otherLang(lang)} onClick={switchLang}>
          {t('lang.switch')}
        </button>
      </header>
      <main id="main" class="main" tabIndex={-1} ref={main}>
        {route.name === 'mpp' ? (
          <MppDetail key={route.code} t={t} lang={lang} code={route.code} />
        ) : (
          <MppList t={t} lang={lang} chosen={chosen} onChoose={choose} />
        )}
      </main>
      {applyUpdate && (
        <div class="update-banner" role="status">
          <span>{t('update.available')}</span>
          <button type="button" class="button button-light" onClick={applyUpdate}>
            {t('update.reload')}
          </button>
        </div>
      )}
    </>
  );
}
