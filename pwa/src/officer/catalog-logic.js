// The catalog editor's decisions as pure functions (no DOM, no fetch), so `node --test`
// checks them (issue #18, catalog administration). The rules a catalog must follow are the
// server's (the one validation of `flask catalog load`, server/catalog/loader.py): this
// module never re-checks them, it only
//   - addresses a place in the catalog document by the loader's own error paths
//     ("service_standards[3].requirements[1].document_type"), reads and writes it
//     immutably, and names the input that edits it (fieldId), so an error the server
//     returns lands next to its field;
//   - tells what a draft changes against what is published (diffDocs), for the
//     "Draf / belum terbit" summary;
//   - keeps the edits not yet acknowledged by the server in the device's storage
//     (localDraft, reconcileDraft), so a reload or a dropped connection loses nothing.

// ---------------------------------------------------------------------------------------
// Paths

/** "a.b[3].c" (the loader's CLI spelling) or "a.b.3.c" (the API's) -> ['a', 'b', 3, 'c'];
 * an array is returned as a copy. No key of the catalog is all digits, so a part that is
 * one is a list index. */
export function parsePath(path) {
  if (Array.isArray(path)) return [...path];
  const out = [];
  const text = String(path ?? '');
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let match;
  while ((match = re.exec(text)) !== null) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else out.push(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1]);
  }
  return out;
}

/** ['a', 'b', 3, 'c'] -> "a.b[3].c" (the loader's spelling). */
export function pathString(path) {
  let out = '';
  for (const part of parsePath(path)) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** The DOM id of the input editing `path`: "cat-" and the parts joined by "-". */
export function fieldId(path) {
  const parts = parsePath(path).map((p) => String(p).replace(/[^A-Za-z0-9_]/g, '_'));
  return `cat-${parts.join('-')}`;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix, path) {
  const a = parsePath(prefix);
  const b = parsePath(path);
  return a.length <= b.length && a.every((part, i) => part === b[i]);
}

/** The value at `path` in `doc`, or undefined. */
export function getIn(doc, path) {
  let node = doc;
  for (const part of parsePath(path)) {
    if (node === null || node === undefined) return undefined;
    node = node[part];
  }
  return node;
}

/**
 * `doc` with `value` at `path`, sharing every untouched branch. Missing containers are
 * made (an array where the next part is an index). `undefined` removes an object key
 * (an optional field left empty is not written as "").
 */
export function setIn(doc, path, value) {
  const parts = parsePath(path);
  if (parts.length === 0) return value;
  const [head, ...rest] = parts;
  const base = doc ?? (typeof head === 'number' ? [] : {});
  const child = rest.length ? setIn(base[head], rest, value) : value;
  if (Array.isArray(base)) {
    const copy = [...base];
    copy[head] = child;
    return copy;
  }
  const copy = { ...base };
  if (child === undefined) delete copy[head];
  else copy[head] = child;
  return copy;
}

/** `doc` with `item` inserted in the list at `listPath` (at its end by default). */
export function insertAt(doc, listPath, item, index) {
  const list = Array.isArray(getIn(doc, listPath)) ? getIn(doc, listPath) : [];
  const at = index === undefined ? list.length : Math.max(0, Math.min(index, list.length));
  return setIn(doc, listPath, [...list.slice(0, at), item, ...list.slice(at)]);
}

/** `doc` without item `index` of the list at `listPath`. */
export function removeAt(doc, listPath, index) {
  const list = getIn(doc, listPath) || [];
  return setIn(doc, listPath, list.filter((_, i) => i !== index));
}

/** `doc` with the list item at `from` moved to `to` (up or down a step, say). */
export function moveItem(doc, listPath, from, to) {
  const list = [...(getIn(doc, listPath) || [])];
  if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return doc;
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item);
  return setIn(doc, listPath, list);
}

// ---------------------------------------------------------------------------------------
// Input values: what an <input> shows and what goes back into the document

/** A number input's text as the catalog wants it: an integer, else the text (the server
 * refuses it next to the field: "Not a valid integer."), empty -> undefined. */
export function integerValue(text) {
  const trimmed = String(text ?? '').trim();
  if (trimmed === '') return undefined;
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** A decimal (a form field's min / max). */
export function numberValue(text) {
  const trimmed = String(text ?? '').trim().replace(',', '.');
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

/** An optional text: empty -> undefined (the key is left out, as in the YAML files). */
export function optionalText(text) {
  const value = String(text ?? '');
  return value.trim() === '' ? undefined : value;
}

/** What an input shows for a value (undefined and null as empty). */
export function inputText(value) {
  return value === undefined || value === null ? '' : String(value);
}

// ---------------------------------------------------------------------------------------
// Errors next to their fields

/**
 * The server's validation errors, [{path, message}], placed on the editor's inputs:
 * `known` lists the paths that have an input or a group on screen. Each error goes to the
 * deepest known path that is its own path or an ancestor of it (an error about a whole
 * requirement lands on its group); one that matches none is `general` (shown at the top).
 * Returns {byPath: {pathString: [messages]}, general: [{path, message}], first} where
 * `first` is the known path of the first error in the order of `known` (screen order):
 * the input to focus.
 */
export function placeErrors(errors, known, strip = '') {
  const knownList = (known || []).map(pathString);
  const order = new Map(knownList.map((p, i) => [p, i]));
  const byPath = {};
  const general = [];
  let first = null;
  const stripParts = parsePath(strip);
  for (const error of errors || []) {
    let parts = parsePath(error.path);
    if (stripParts.length && isPrefix(stripParts, parts)) parts = parts.slice(stripParts.length);
    let target = null;
    for (let n = parts.length; n > 0 && target === null; n -= 1) {
      const candidate = pathString(parts.slice(0, n));
      if (order.has(candidate)) target = candidate;
    }
    if (target === null) {
      general.push(error);
      continue;
    }
    (byPath[target] ||= []).push(error.message);
    if (first === null || order.get(target) < order.get(first)) first = target;
  }
  return { byPath, general, first };
}

/**
 * The catalog API's errors [{path, code, message, message_en}] as [{path, code, message}]
 * in the console's language (Bahasa Indonesia first; English when the console is in it).
 */
export function catalogErrors(errors, lang = 'id') {
  return (Array.isArray(errors) ? errors : [])
    .filter((e) => e && typeof e === 'object')
    .map((e) => ({
      path: pathString(e.path ?? ''),
      code: e.code ? String(e.code) : '',
      message: String((lang === 'en' && e.message_en) || e.message || e.message_en || ''),
    }));
}

/**
 * The errors in an ApiError's details, in whichever of the shapes the API uses:
 * `details.errors` [{path, message}], or webargs' `details.fields` {location: {field: [..]}}
 * flattened to loader-style paths.
 */
export function errorsFromDetails(details, lang = 'id') {
  if (!details || typeof details !== 'object') return [];
  if (Array.isArray(details.errors)) return catalogErrors(details.errors, lang);
  if (details.fields && typeof details.fields === 'object') {
    const out = [];
    const walk = (node, path) => {
      if (Array.isArray(node) && node.every((m) => typeof m === 'string')) {
        node.forEach((message) => out.push({ path: pathString(path), message }));
      } else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          walk(value, [...path, /^\d+$/.test(key) ? Number(key) : key]);
        }
      } else if (node !== undefined && node !== null) {
        out.push({ path: pathString(path), message: String(node) });
      }
    };
    for (const value of Object.values(details.fields)) walk(value, []); // drop the location
    return out;
  }
  return [];
}

// ---------------------------------------------------------------------------------------
// What a draft changes

/** Lists of these items are matched by their key, not their place. */
const ITEM_KEYS = ['code', 'key', 'date', 'value', 'standard'];

function itemKey(item) {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return null;
  for (const name of ITEM_KEYS) {
    if (typeof item[name] === 'string' || typeof item[name] === 'number') return `${name}:${item[name]}`;
  }
  return null;
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What `after` (the draft) changes against `before` (the published catalog), as
 * [{path, kind: 'added' | 'removed' | 'changed' | 'moved', before, after}]: leaves for
 * plain values, whole items for items added or removed (matched by code / key / date in
 * lists of items), `moved` when the same items changed order. Paths are the draft's (the
 * published one's for a removal).
 */
export function diffDocs(before, after, path = []) {
  if (sameValue(before, after)) return [];
  const here = pathString(path);
  if (before === undefined) return [{ path: here, kind: 'added', before, after }];
  if (after === undefined) return [{ path: here, kind: 'removed', before, after }];
  if (Array.isArray(before) && Array.isArray(after)) {
    const keysB = before.map(itemKey);
    const keysA = after.map(itemKey);
    const keyed = keysB.every(Boolean) && keysA.every(Boolean) && new Set(keysA).size === keysA.length && new Set(keysB).size === keysB.length;
    if (!keyed) {
      if (before.some((x) => typeof x === 'object') || after.some((x) => typeof x === 'object')) {
        const out = [];
        const n = Math.max(before.length, after.length);
        for (let i = 0; i < n; i += 1) out.push(...diffDocs(before[i], after[i], [...path, i]));
        return out;
      }
      return [{ path: here, kind: 'changed', before, after }]; // a list of plain values
    }
    const out = [];
    keysB.forEach((key, i) => {
      if (!keysA.includes(key)) out.push({ path: pathString([...path, i]), kind: 'removed', before: before[i], after: undefined });
    });
    keysA.forEach((key, i) => {
      const j = keysB.indexOf(key);
      if (j === -1) out.push({ path: pathString([...path, i]), kind: 'added', before: undefined, after: after[i] });
      else out.push(...diffDocs(before[j], after[i], [...path, i]));
    });
    const common = keysA.filter((k) => keysB.includes(k));
    const commonBefore = keysB.filter((k) => keysA.includes(k));
    if (!sameValue(common, commonBefore)) out.push({ path: here, kind: 'moved', before: commonBefore, after: common });
    return out;
  }
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before) && !Array.isArray(after)) {
    const out = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) out.push(...diffDocs(before[key], after[key], [...path, key]));
    return out;
  }
  return [{ path: here, kind: 'changed', before, after }];
}

/** The changes grouped by their top item ("service_standards[2]", "mpp.agencies[0]"...),
 * for a summary line per thing changed. */
export function changedItems(changes) {
  const groups = new Map();
  for (const change of changes) {
    const parts = parsePath(change.path);
    let cut = parts.findIndex((p) => typeof p === 'number');
    if (parts[0] === 'mpp' && cut === -1) cut = Math.min(parts.length, 2) - 1;
    const head = cut === -1 ? parts.slice(0, 1) : parts.slice(0, cut + 1);
    const key = pathString(head);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(change);
  }
  return [...groups.entries()].map(([path, items]) => ({ path, changes: items }));
}

// ---------------------------------------------------------------------------------------
// Edits kept on the device until the server has them

export const LOCAL_PREFIX = 'sd.catalog.draft.';

/**
 * The draft as last edited on this device, in `storage` (localStorage: a tab closed or a
 * reload must not lose it) under the scope's key: {doc, base, dirty, savedAt}. `base` is
 * the server's draft revision the edits were made on; `dirty` true while the server has not
 * acknowledged the last edit.
 */
export function localDraft(storage, scope) {
  const key = LOCAL_PREFIX + scope;
  return {
    key,
    load() {
      try {
        const text = storage?.getItem(key);
        const value = text ? JSON.parse(text) : null;
        return value && typeof value === 'object' && 'doc' in value ? value : null;
      } catch {
        return null;
      }
    },
    save(entry) {
      try {
        storage?.setItem(key, JSON.stringify(entry));
        return true;
      } catch {
        return false; // quota or disabled storage: the server copy is the only one
      }
    },
    clear() {
      try {
        storage?.removeItem(key);
      } catch {
        // nothing stored
      }
    },
  };
}

/**
 * Which draft the editor opens with, from the server's {doc, revision} and this device's
 * stored entry: the device's when it has edits the server never acknowledged and they were
 * made on the revision the server still has (`push`: send them now); the server's
 * otherwise, with `conflict` when the device's unsent edits were made on a revision
 * someone else has since replaced (the editor says so; they are not silently merged).
 */
export function reconcileDraft(server, local) {
  const serverDoc = server?.doc ?? null;
  const revision = server?.revision ?? null;
  if (!local || !local.dirty) return { doc: serverDoc, base: revision, push: false, conflict: false };
  if (local.base === revision) {
    return { doc: local.doc, base: revision, push: !sameValue(local.doc, serverDoc), conflict: false };
  }
  return { doc: serverDoc, base: revision, push: false, conflict: !sameValue(local.doc, serverDoc) };
}

/** A small "save a while after the last keystroke" timer; `flush()` saves now. */
export function debouncer(wait, run, timers = globalThis) {
  let handle = null;
  let pending = null;
  const fire = () => {
    handle = null;
    const args = pending;
    pending = null;
    if (args) run(...args);
  };
  return {
    schedule(...args) {
      pending = args;
      if (handle !== null) timers.clearTimeout(handle);
      handle = timers.setTimeout(fire, wait);
    },
    flush() {
      if (handle !== null) timers.clearTimeout(handle);
      fire();
    },
    cancel() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
      pending = null;
    },
    get pending() {
      return pending !== null;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Someone published the scope while this draft was open

/** `parts` (a path in `source`) as the path of the same place in `target`: list items are
 * found by their code / key / date (by place in lists without one); null when it is gone. */
function mapPath(source, target, parts) {
  const out = [];
  let s = source;
  let t = target;
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Array.isArray(s) || !Array.isArray(t)) return null;
      const key = itemKey(s[part]);
      const j = key ? t.findIndex((item) => itemKey(item) === key) : part < t.length ? part : -1;
      if (j === -1) return null;
      out.push(j);
      s = s[part];
      t = t[j];
    } else {
      if (!s || !t || typeof t !== 'object') return null;
      out.push(part);
      s = s[part];
      t = t[part];
    }
  }
  return out;
}

/**
 * This device's changes (`mine` against `base`, what it was drafted on) made again on
 * `fresh` (what is published now): each changed value, item added or removed, found in
 * `fresh` by its codes. A change that meets someone else's (the same value changed there
 * too, or its item gone) is not made and is returned in `skipped`, so nothing of theirs is
 * undone without the admin seeing it. Returns {doc, applied, skipped}.
 */
export function rebaseDraft(base, mine, fresh) {
  let doc = fresh;
  const applied = [];
  const skipped = [];
  for (const change of diffDocs(base, mine)) {
    const parts = parsePath(change.path);
    if (change.kind === 'moved') {
      skipped.push(change);
      continue;
    }
    if (change.kind === 'removed') {
      const at = mapPath(base, doc, parts);
      if (at === null) continue; // gone there too
      if (!sameValue(getIn(doc, at), change.before)) {
        skipped.push(change);
        continue;
      }
      const last = at[at.length - 1];
      doc = typeof last === 'number' ? removeAt(doc, at.slice(0, -1), last) : setIn(doc, at, undefined);
      applied.push(change);
      continue;
    }
    const last = parts[parts.length - 1];
    if (change.kind === 'added' && typeof last === 'number') {
      const list = mapPath(mine, doc, parts.slice(0, -1));
      const key = itemKey(change.after);
      const there = list && getIn(doc, list);
      if (!list || !Array.isArray(there) || (key && there.some((item) => itemKey(item) === key))) {
        skipped.push(change);
        continue;
      }
      // after the item it follows in the draft (found by its code), else at the end
      const before = last > 0 ? itemKey(getIn(mine, [...parts.slice(0, -1), last - 1])) : null;
      const after = before ? there.findIndex((item) => itemKey(item) === before) : -1;
      doc = insertAt(doc, list, change.after, last === 0 ? 0 : after === -1 ? there.length : after + 1);
      applied.push(change);
      continue;
    }
    // a value changed, or a key added to an object
    const parent = mapPath(mine, doc, parts.slice(0, -1));
    if (parent === null) {
      skipped.push(change);
      continue;
    }
    const at = [...parent, last];
    if (!sameValue(getIn(doc, at), change.before)) {
      skipped.push(change);
      continue;
    }
    doc = setIn(doc, at, change.after);
    applied.push(change);
  }
  return { doc, applied, skipped };
}
