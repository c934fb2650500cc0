// Browser WebSocket to /api/ws with reconnect + exponential backoff.

export const AUTH_CLOSE_CODES = [4401, 1008];

export function wsUrl(token, loc = window.location) {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api/ws?token=${encodeURIComponent(token)}`;
}

/** Delay before reconnect attempt `attempt` (0-based): 1 s, 2 s, 4 s … capped at 30 s, ±20 % jitter. */
export function backoffMs(attempt, random = Math.random) {
  const base = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * openLiveSocket({token, onMessage, onState, onAuthFailure}) -> close()
 * onState(connected: boolean) on every open/close; onAuthFailure() on close code 4401/1008.
 */
export function openLiveSocket({ token, onMessage, onState, onAuthFailure, url = wsUrl(token) }) {
  let ws = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;

  const connect = () => {
    if (stopped) return;
    try {
      ws = new WebSocket(url);
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
        stopped = true;
        onAuthFailure?.();
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
