// Browser WebSocket to /api/ws with reconnect + exponential backoff.
// A JWT never goes in a URL (URLs end up in logs): before each (re)connect the page trades
// its bearer token for a one-time ticket (POST /api/ws-ticket, valid once for 30 s).

export const AUTH_CLOSE_CODES = [4401, 1008];

export function wsUrl(ticket, loc = window.location) {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api/ws?ticket=${encodeURIComponent(ticket)}`;
}

/** Delay before reconnect attempt `attempt` (0-based): 1 s, 2 s, 4 s … capped at 30 s, ±20 % jitter. */
export function backoffMs(attempt, random = Math.random) {
  const base = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * openLiveSocket({getTicket, onMessage, onState, onAuthFailure}) -> close()
 * getTicket() resolves to a fresh ticket; it is called before every (re)connect. A rejection
 * with status 401 (the login is gone) or a close code 4401/1008 calls onAuthFailure() and
 * stops; other failures retry with backoff. onState(connected: boolean) on every open/close.
 */
export function openLiveSocket({ getTicket, onMessage, onState, onAuthFailure, url = wsUrl }) {
  let ws = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;

  const authFailed = () => {
    stopped = true;
    onAuthFailure?.();
  };

  const connect = async () => {
    if (stopped) return;
    let ticket;
    try {
      ticket = await getTicket();
    } catch (err) {
      if (err?.status === 401) authFailed();
      else schedule();
      return;
    }
    if (stopped) return;
    try {
      ws = new WebSocket(url(ticket));
    } catch {
      schedule();
      return;
    }
    ws.onopen = () => {
      attempt = 0;
      onState?.(true);
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // ignore garbage
      }
      if (msg && typeof msg === 'object') onMessage?.(msg);
    };
    ws.onerror = () => {
      /* a close event follows */
    };
    ws.onclose = (ev) => {
      ws = null;
      if (stopped) return;
      onState?.(false);
      if (AUTH_CLOSE_CODES.includes(ev?.code)) {
        authFailed();
        return;
      }
      schedule();
    };
  };

  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(connect, backoffMs(attempt++));
  };

  connect();

  return () => {
    stopped = true;
    clearTimeout(timer);
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try {
        ws.close(1000, 'bye');
      } catch {
        /* already closed */
      }
      ws = null;
    }
  };
}
