// The call display (/display): a TV in the waiting hall, 1920x1080, no sign-in beyond the
// display key. It asks the queue API every second (with If-None-Match, so an unchanged
// floor costs a 304), shows the number each counter is serving and the last calls, and
// announces each new call once: a chime made with WebAudio (no sound file) and the call
// spoken in Bahasa Indonesia (speechSynthesis; words from floor/words.js). Only public
// queue numbers and counters reach this page. Through a short network loss it keeps the
// last picture and says, in the header, since when it has had no news.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { deviceRequest, takeDeviceKey } from '../floor/device.js';
import { feedState, newCalls, seenKeys, wallClock } from '../floor/feed.js';
import { floorT } from '../floor/i18n.js';
import { callSentence } from '../floor/words.js';

const POLL_MS = 1000;
const HIGHLIGHT_MS = 12000;

function storage() {
  try {
    return globalThis.localStorage;
  } catch {
    return null;
  }
}

/** A two-note chime ("ding-dong") on an AudioContext; resolves when it has rung. */
function chime(audio) {
  if (!audio || audio.state !== 'running') return Promise.resolve();
  const notes = [
    [659.25, 0],
    [523.25, 0.55],
  ];
  for (const [frequency, at] of notes) {
    const start = audio.currentTime + at;
    const osc = audio.createOscillator();
    const overtone = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    overtone.type = 'sine';
    overtone.frequency.value = frequency * 2;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.5, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 1.2);
    osc.connect(gain);
    overtone.connect(gain);
    gain.connect(audio.destination);
    osc.start(start);
    overtone.start(start);
    osc.stop(start + 1.25);
    overtone.stop(start + 1.25);
  }
  return new Promise((resolve) => setTimeout(resolve, 1800));
}

function speak(text) {
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = 'id-ID';
    utterance.rate = 0.9;
    const voice = synth.getVoices().find((v) => v.lang && v.lang.toLowerCase().startsWith('id'));
    if (voice) utterance.voice = voice;
    const done = () => resolve();
    utterance.onend = done;
    utterance.onerror = done;
    setTimeout(done, 12000); // a voice that never ends must not hold the next call
    synth.speak(utterance);
  });
}

export function CallDisplay() {
  const key = useMemo(() => takeDeviceKey('display', { location, storage: storage(), history }), []);
  const t = useMemo(() => floorT('id'), []);
  const [feed, setFeed] = useState(null);
  const [lastOkAt, setLastOkAt] = useState(null);
  const [now, setNow] = useState(() => Date.now());
  const [highlight, setHighlight] = useState(null); // the call being announced
  const [sound, setSound] = useState('off'); // off | on
  const etag = useRef(null);
  const seen = useRef(null);
  const queue = useRef([]);
  const announcing = useRef(false);
  const audio = useRef(null);

  useEffect(() => {
    document.documentElement.lang = 'id';
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const enableSound = useCallback(() => {
    const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!Context) return;
    audio.current ??= new Context();
    audio.current.resume().then(() => setSound(audio.current.state === 'running' ? 'on' : 'off'));
  }, []);

  // A TV started with autoplay allowed has sound at once; else a tap turns it on.
  useEffect(() => {
    enableSound();
  }, [enableSound]);

  const announceNext = useCallback(async () => {
    if (announcing.current) return;
    announcing.current = true;
    while (queue.current.length) {
      const call = queue.current.shift();
      setHighlight(call);
      await chime(audio.current);
      if (audio.current?.state === 'running') await speak(callSentence(call.number, call.counter?.name));
    }
    announcing.current = false;
  }, []);

  useEffect(() => {
    if (!key) return undefined;
    let stopped = false;
    let timer = null;
    const poll = async () => {
      try {
        const answer = await deviceRequest('/api/queue/display', { key, etag: etag.current, timeoutMs: 4000 });
        if (stopped) return;
        setLastOkAt(Date.now());
        if (answer.status !== 304 && answer.body) {
          etag.current = answer.etag;
          const calls = answer.body.calls || [];
          const fresh = newCalls(seen.current, calls);
          seen.current = seenKeys(calls);
          setFeed(answer.body);
          if (fresh.length) {
            queue.current.push(...fresh);
            announceNext();
          }
        }
      } catch {
        // keep the last picture; the header says how old it is
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key, announceNext]);

  // The highlight fades back to the normal picture a while after the last announcement.
  useEffect(() => {
    if (!highlight) return undefined;
    const timer = setTimeout(() => setHighlight(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlight]);

  const state = feedState(lastOkAt, now);
  const calls = feed?.calls || [];
  const current = highlight || calls[0] || null;
  const clock = new Date(now).toLocaleTimeString('id-ID', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Jakarta' });
  const date = new Date(now).toLocaleDateString('id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' });

  if (!key) {
    return (
      <main class="display-main display-nokey">
        <p role="alert">{t('display.noKey')}</p>
      </main>
    );
  }
  return (
    <div class={`display ${state.stale ? 'display-stale' : ''}`} data-stale={state.stale ? 'true' : 'false'}>
      <header class="display-bar">
        <img src="/icons/icon.svg" alt="" width="72" height="72" />
        <div class="display-bar-text">
          <p class="display-mpp">{feed?.mpp?.name || 'Sekali Datang'}</p>
          <p class="display-date">{date}</p>
        </div>
        <p class={`display-status ${state.stale ? 'display-status-stale' : ''}`} role="status" data-feed-status>
          {state.stale
            ? lastOkAt
              ? t('display.stale', { time: new Date(lastOkAt).toLocaleTimeString('id-ID', { timeZone: 'Asia/Jakarta' }) })
              : t('display.staleNever')
            : t('display.live')}
        </p>
        <p class="display-clock">{clock}</p>
      </header>
      <main class="display-main">
        <section class={`display-now ${highlight ? 'display-now-new' : ''}`} aria-labelledby="now-title" aria-live="assertive" data-now={current?.number || ''}>
          <h1 id="now-title" class="display-label">
            {t('display.nowCalling')}
          </h1>
          {current ? (
            <>
              <p class="display-number">{current.number}</p>
              <p class="display-goto">{t('display.goTo')}</p>
              <p class="display-counter">{current.counter?.name}</p>
            </>
          ) : (
            <p class="display-empty">{t('display.none')}</p>
          )}
        </section>
        <section class="display-calls" aria-labelledby="calls-title">
          <h2 id="calls-title" class="display-label">
            {t('display.lastCalls')}
          </h2>
          <ol class="display-call-list">
            {calls.slice(0, 7).map((call) => (
              <li key={`${call.number}|${call.at}|${call.call}`} class="display-call" data-call={call.number}>
                <span class="display-call-number">{call.number}</span>
                <span class="display-call-counter">{call.counter?.name}</span>
                <span class="display-call-time">
                  {wallClock(call.at)}
                  {call.recall ? ` · ${t('display.recall')}` : ''}
                </span>
              </li>
            ))}
          </ol>
        </section>
      </main>
      <footer class="display-serving" aria-labelledby="serving-title">
        <h2 id="serving-title" class="display-label">
          {t('display.serving')}
        </h2>
        {(feed?.serving || []).length === 0 && <p class="display-waiting">{t('display.allFree')}</p>}
        <ul class="display-counters">
          {(feed?.serving || []).map((row) => (
            <li key={`${row.counter?.code}|${row.desk}`} class="display-tile" data-serving={row.counter?.code}>
              <span class="display-tile-counter">
                {row.counter?.name}
                {row.desk && row.desk > 1 ? ` · ${row.desk}` : ''}
              </span>
              <span class="display-tile-number">{row.number || t('display.idle')}</span>
            </li>
          ))}
        </ul>
        {(feed?.waiting || []).length > 0 && (
          <p class="display-waiting">
            {t('display.waiting')}:{' '}
            {feed.waiting.map((w) => `${w.prefix} ${w.count}`).join(' · ')}
          </p>
        )}
      </footer>
      {sound === 'off' && (
        <button type="button" class="display-sound" onClick={enableSound} data-action="sound">
          {t('display.sound')}
        </button>
      )}
    </div>
  );
}
