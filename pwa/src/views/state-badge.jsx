import { useMemo } from 'preact/hooks';
import { stateRules } from '../states.js';
import { useJson } from '../use-json.js';

/**
 * The state machine comes from the server (GET /api/sync/states, cached by the service
 * worker); the app keeps no copy (see ../states.js). Until it arrives, the raw name is shown
 * and `ready` is false.
 */
export function useStates(lang) {
  const { data } = useJson('/api/sync/states');
  return useMemo(() => stateRules(data, lang), [data, lang]);
}

const TONES = {
  draft: 'neutral',
  submitted: 'info',
  in_review: 'info',
  revision_requested: 'warn',
  approved: 'info',
  ready: 'ok',
  completed: 'ok',
  rejected: 'bad',
  withdrawn: 'neutral',
};

export function StateBadge({ t, states, app }) {
  const queued = app.pending && (app.pending.submit || app.pending.withdraw);
  const label = queued ? t(app.pending.submit ? 'apps.submitQueued' : 'apps.withdrawQueued') : states.label(app.state);
  const tone = queued ? 'pending' : TONES[app.state] || 'neutral';
  return (
    <span class={`badge state state-${tone}`} data-state={app.state}>
      {label}
    </span>
  );
}
