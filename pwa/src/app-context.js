// What every screen of the citizen app needs, handed down once instead of prop by prop:
// t and lang (words), engine and sync (the client sync engine and its merged view),
// api (the session's API client), states (the published state machine), navigate and
// onSyncNow. App (app.jsx) provides it; a screen reads it with useApp().
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const AppContext = createContext(null);

export function useApp() {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp() outside <AppContext.Provider>');
  return value;
}
