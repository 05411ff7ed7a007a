// A transport (and uploader) over FakeServer that fails the way a phone's network does, from a
// seeded random source: requests lost before the server saw them, answers lost after the
// server applied them, 5xx, and old requests delivered again later. Records how many pushes
// were in flight at once per client, and every delivery.
import { HttpError } from './fake-server.js';

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class NetworkDown extends Error {
  constructor(when) {
    super(`network failure ${when}`);
    this.name = 'NetworkError';
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const copy = (v) => JSON.parse(JSON.stringify(v));

export class FaultTransport {
  constructor(server, { citizen = 'citizen-1', random = Math.random, faults = {} } = {}) {
    this.server = server;
    this.citizen = citizen;
    this.random = random;
    this.faults = { dropBefore: 0, dropAfter: 0, serverError: 0, duplicate: 0, ...faults };
    this.inFlight = new Map();
    this.maxInFlight = 0;
    this.history = [];
    this.deliveries = [];
    this.offline = false;
  }

  roll(name) {
    return this.random() < this.faults[name];
  }

  async exchange(kind, body) {
    const request = copy(body);
    await tick();
    if (this.offline || this.roll('dropBefore')) throw new NetworkDown('before');
    if (this.roll('serverError')) throw new HttpError(503, 'unavailable');
    const answer = copy(this.server[kind](this.citizen, request));
    await tick();
    if (this.roll('dropAfter')) throw new NetworkDown('after');
    return answer;
  }

  async push(body) {
    const key = body.client_id;
    const now = (this.inFlight.get(key) ?? 0) + 1;
    this.inFlight.set(key, now);
    this.maxInFlight = Math.max(this.maxInFlight, now);
    try {
      if (this.history.length && this.roll('duplicate')) {
        // a stale copy of an earlier request arrives again (a proxy retry, say)
        const old = this.history[Math.floor(this.random() * this.history.length)];
        try {
          this.server.push(this.citizen, copy(old));
        } catch {
          // its answer goes nowhere
        }
      }
      this.history.push(copy(body));
      for (const m of body.mutations) this.deliveries.push(`${key}/${m.id}`);
      return await this.exchange('push', body);
    } finally {
      this.inFlight.set(key, this.inFlight.get(key) - 1);
    }
  }

  pull(body) {
    return this.exchange('pull', body);
  }
}

/** The uploader interface over FakeServer.upload, failing like the transport. */
export class FaultUploader {
  constructor(transport) {
    this.transport = transport;
    this.calls = [];
  }

  async upload({ documentId, file, sha256, contentType, url, onUrl, onProgress }) {
    this.calls.push({ documentId, url });
    const t = this.transport;
    await tick();
    if (t.offline || t.roll('dropBefore')) throw new NetworkDown('upload');
    if (!url) await onUrl(`/api/uploads/${documentId}`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    onProgress(bytes.length, bytes.length);
    await t.server.upload(t.citizen, { documentId, bytes, sha256, contentType });
  }
}

/** BroadcastChannel between "tabs" in one process: a message reaches every other subscriber.
 * `hub.settled()` resolves once every message posted so far was delivered and each
 * subscriber's handler (a promise, e.g. the engine's refresh) finished. */
export function memoryChannelHub() {
  const subscribers = new Set();
  const pending = new Set();
  const hub = () => {
    let mine = null;
    return {
      post(message) {
        const delivery = new Promise((resolve) => setImmediate(resolve)).then(() =>
          Promise.allSettled([...subscribers].filter((fn) => fn !== mine).map(async (fn) => fn(message))));
        pending.add(delivery);
        delivery.finally(() => pending.delete(delivery));
      },
      subscribe(fn) {
        mine = fn;
        subscribers.add(fn);
        return () => subscribers.delete(fn);
      },
    };
  };
  hub.settled = async () => {
    while (pending.size) await Promise.allSettled([...pending]);
  };
  return hub;
}
