// The live event stream (/api/v1/events). Events carry summaries without
// personal data; desks fetch details by id. The socket reconnects on its own
// with exponential backoff (a server restart must not need a page reload), and
// after a reconnect every desk resynchronises, since events sent while the
// socket was down are lost.
import { get } from './api.js';

export function connectLive(onStatus) {
  const handlers = new Map();
  let ws = null;
  let attempt = 0;
  let timer = 0;
  let closed = false;
  let everOpen = false;

  function emit(type, ev) {
    for (const fn of handlers.get(type) || []) {
      try { fn(ev); } catch (e) { console.error(e); }
    }
  }

  function open() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(`${proto}//${location.host}/api/v1/events`);
    ws.onopen = () => {
      attempt = 0;
      onStatus('live');
      if (everOpen) emit('resync', {});
      everOpen = true;
    };
    ws.onmessage = (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch { return; }
      if (ev && typeof ev.type === 'string') emit(ev.type, ev);
    };
    ws.onclose = () => {
      ws = null;
      if (closed) return;
      onStatus('reconnecting');
      // 0.5 s, 1 s, 2 s … capped at 10 s, with jitter so twenty desks do not
      // knock on a restarting server at the same instant.
      const delay = Math.min(10000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
      attempt++;
      // A refused upgrade looks like any close: after a few, check the session
      // (a 401 sends the user back to the login page).
      if (attempt >= 3) get('/api/v1/session').catch(() => {});
      timer = setTimeout(open, delay);
    };
  }
  open();

  return {
    on(type, fn) {
      if (!handlers.has(type)) handlers.set(type, new Set());
      handlers.get(type).add(fn);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      if (ws) ws.close();
    },
  };
}
