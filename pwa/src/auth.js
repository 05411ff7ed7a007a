// Pure helpers for signing in: the phone and code inputs, the resend countdown, the
// device name sent with the code. No DOM, tested under node --test.

export const CODE_LENGTH = 6;

/**
 * A phone number as the citizen typed it, grouped for reading back: "0812 3456 7890",
 * "+62 812 3456 7890". Anything that is not an Indonesian mobile-looking number is
 * returned trimmed but otherwise as typed; the server has the last word on validity.
 */
export function formatPhone(raw) {
  const text = String(raw ?? '').trim();
  const compact = text.replace(/[\s\-().]/g, '');
  let prefix;
  let rest;
  if (/^\+628\d*$/.test(compact)) {
    prefix = '+62 ';
    rest = compact.slice(3);
  } else if (/^628\d*$/.test(compact)) {
    prefix = '62 ';
    rest = compact.slice(2);
  } else if (/^08\d*$/.test(compact)) {
    prefix = '';
    rest = compact;
  } else {
    return text;
  }
  // 0812 3456 7890 / 812 3456 7890: the operator prefix, then groups of four.
  const head = prefix ? rest.slice(0, 3) : rest.slice(0, 4);
  const groups = [head];
  for (let i = head.length; i < rest.length; i += 4) groups.push(rest.slice(i, i + 4));
  return prefix + groups.join(' ');
}

/** True when the input has enough digits to be worth sending (8 or more). */
export function looksLikePhone(raw) {
  return String(raw ?? '').replace(/\D/g, '').length >= 8;
}

/** The code field keeps digits only, at most six (a pasted "123 456" becomes "123456"). */
export function cleanCode(raw) {
  return String(raw ?? '')
    .replace(/\D/g, '')
    .slice(0, CODE_LENGTH);
}

export function isCompleteCode(code) {
  return new RegExp(`^\\d{${CODE_LENGTH}}$`).test(String(code ?? ''));
}

/** Seconds as "m:ss" (59 -> "0:59", 300 -> "5:00"); negatives and junk are "0:00". */
export function formatCountdown(seconds) {
  const total = Math.max(0, Math.ceil(Number(seconds) || 0));
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return `${minutes}:${String(rest).padStart(2, '0')}`;
}

/** Seconds left until `deadline` (ms since epoch) at `now`, rounded up, never negative. */
export function secondsLeft(deadline, now) {
  if (!deadline) return 0;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** How long the server asked us to wait (details.retry_after of a 429), else null. */
export function retryAfter(error) {
  const value = Number(error?.details?.retry_after);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

const BROWSERS = [
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/EdgA?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/UCBrowser\//, 'UC Browser'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/CriOS\/|Chrome\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const PLATFORMS = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Macintosh|Mac OS X/, 'macOS'],
  [/Linux/, 'Linux'],
];

/**
 * A name for this device in the citizen's device list, from the user agent:
 * "Chrome · Android". Order matters: Edge and Samsung Internet also say "Chrome",
 * and every iOS browser says "Safari".
 */
export function describeDevice(userAgent) {
  const ua = String(userAgent ?? '');
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const platform = PLATFORMS.find(([re]) => re.test(ua))?.[1];
  return [browser, platform].filter(Boolean).join(' · ').slice(0, 120) || 'Browser';
}
