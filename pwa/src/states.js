// The application state machine as the server publishes it (GET /api/sync/states, from
// sync/states.py describe()): the app keeps no copy of which states exist, which a citizen
// may edit or withdraw from. Pure: tested under node --test against the published document
// (tests/vectors/states.json, held equal to describe() by tests/unit/test_rule_vectors.py).

/**
 * Helpers over the published document (null while it loads):
 *   ready            the document has arrived
 *   label(name)      the state's name in `lang` (the raw name until it arrives)
 *   editable(name)   the citizen may change fields and documents in this state
 *   withdrawable(name) a citizen's transition "withdraw" leaves this state
 *   terminal(name)   nothing follows this state (completed, rejected, withdrawn)
 */
export function stateRules(published, lang = 'id') {
  const byName = new Map((published?.states || []).map((s) => [s.name, s]));
  const withdrawFrom = new Set(
    (published?.transitions || []).filter((t) => t.action === 'withdraw' && (t.actors || []).includes('citizen')).map((t) => t.from),
  );
  return {
    ready: byName.size > 0,
    label: (name) => {
      const s = byName.get(name);
      if (!s) return name || '';
      return lang === 'en' ? s.label_en : s.label_id;
    },
    editable: (name) => Boolean(byName.get(name)?.citizen_editable),
    withdrawable: (name) => withdrawFrom.has(name),
    terminal: (name) => Boolean(byName.get(name)?.terminal),
  };
}
