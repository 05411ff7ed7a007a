import { slaLevel, slaText } from '../logic.js';
import { formatDate } from '../../format.js';

/** Working days left as a coloured tag: red overdue, amber today or tomorrow. */
export function SlaTag({ t, lang, daysLeft, dueOn }) {
  const level = slaLevel(daysLeft);
  return (
    <span class={`sla sla-${level}`} data-sla={level} title={dueOn ? t('sla.due', { date: formatDate(lang, dueOn) }) : undefined}>
      {slaText(t, daysLeft)}
    </span>
  );
}

export function StateTag({ t, state }) {
  return (
    <span class={`state state-${state}`} data-state={state}>
      {t(`state.${state}`)}
    </span>
  );
}
