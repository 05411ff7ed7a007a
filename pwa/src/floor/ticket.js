// The visit ticket's code as the kiosk reads it (sync/tickets.py makes it: 20 letters and
// digits of base32, shown in groups of four).

const TICKET_RE = /^[A-Z2-7]{20}$/;

/** A scanned or typed text as the server reads it: spaces and dashes dropped, upper case. */
export function compactCode(text) {
  return String(text ?? '').replace(/[\s-]/g, '').toUpperCase();
}

/** A camera frame's text is taken only when it can be a visit ticket (not any QR in view). */
export function looksLikeTicket(text) {
  return TICKET_RE.test(compactCode(text));
}
