import { useState } from 'preact/hooks';
import { errorText } from '../i18n.js';

export function SignIn({ t, client, onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await client.signIn(username.trim(), password));
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="signin card" aria-labelledby="signin-title">
      <h1 id="signin-title">{t('signin.title')}</h1>
      <p class="muted">{t('signin.intro')}</p>
      <form onSubmit={submit} class="stack">
        <label class="field">
          <span>{t('signin.username')}</span>
          <input id="officer-username" autocomplete="username" autocapitalize="none" spellcheck={false} required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('signin.password')}</span>
          <input id="officer-password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && (
          <p class="alert alert-bad" role="alert">
            {errorText(t, error)}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-wide" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
      <p class="muted small">{t('signin.shared')}</p>
    </section>
  );
}
