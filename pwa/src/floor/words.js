// What the call display says aloud, in Bahasa Indonesia, as pure functions (tested under
// node --test): a queue number is read letter by letter and digit by digit, the way an MPP's
// announcer says it ("D K C nol satu tujuh": the leading zeros matter, they are on the
// ticket), and a counter by its number in words ("loket tiga", "loket dua belas").

const DIGITS = ['nol', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan'];

/** "DKC-017" -> "D K C nol satu tujuh": letters spelled, digits one by one, separators dropped. */
export function spellQueueNumber(number) {
  const words = [];
  for (const ch of String(number ?? '').toUpperCase()) {
    if (ch >= '0' && ch <= '9') words.push(DIGITS[Number(ch)]);
    else if (ch >= 'A' && ch <= 'Z') words.push(ch);
  }
  return words.join(' ');
}

/**
 * A whole number 0..999999 in Indonesian words ("terbilang"): 11 "sebelas", 12 "dua belas",
 * 20 "dua puluh", 100 "seratus", 1000 "seribu", 2024 "dua ribu dua puluh empat".
 */
export function terbilang(n) {
  const value = n === null || n === undefined || n === '' ? NaN : Number(n);
  if (!Number.isInteger(value) || value < 0 || value > 999999) throw new RangeError(`terbilang: ${n}`);
  if (value < 10) return DIGITS[value];
  return below(value).join(' ');
}

function below(n) {
  if (n === 0) return [];
  if (n < 10) return [DIGITS[n]];
  if (n === 10) return ['sepuluh'];
  if (n === 11) return ['sebelas'];
  if (n < 20) return [DIGITS[n - 10], 'belas'];
  if (n < 100) return [DIGITS[Math.floor(n / 10)], 'puluh', ...below(n % 10)];
  if (n < 200) return ['seratus', ...below(n - 100)];
  if (n < 1000) return [DIGITS[Math.floor(n / 100)], 'ratus', ...below(n % 100)];
  if (n < 2000) return ['seribu', ...below(n - 1000)];
  return [...below(Math.floor(n / 1000)), 'ribu', ...below(n % 1000)];
}

/**
 * A counter's name as said aloud: its number in words where it has one ("Loket 3" or "3"
 * -> "loket tiga"; "Loket 3A" -> "loket tiga A"), else the name as it is.
 */
export function sayCounter(counter) {
  const text = String(counter ?? '').trim();
  const match = /^(?:loket\s*)?(\d{1,6})\s*([A-Za-z]?)$/i.exec(text);
  if (!match) return /^loket\b/i.test(text) ? text.replace(/^loket/i, 'loket') : `loket ${text}`;
  const letter = match[2] ? ` ${match[2].toUpperCase()}` : '';
  return `loket ${terbilang(Number(match[1]))}${letter}`;
}

/** "Nomor antrian D K C nol satu tujuh, silakan ke loket tiga". */
export function callSentence(number, counter) {
  return `Nomor antrian ${spellQueueNumber(number)}, silakan ke ${sayCounter(counter)}`;
}
