// Live data: GET /api/live once (and as a fallback poll), then frames pushed over /api/ws.
import { createContext, useContext, useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from './api.js';
import { estimateSkew } from './age.js';
import { num } from './format.js';
import { expireSession } from './auth.js';
import { openLiveSocket } from './liveSocket.js';

const LiveContext = createContext(null);

const liveKeys = { live: ['live'], health: ['health'] };

const liveApi = {
  live: () => apiFetch('/api/live'),
  health: () => apiFetch('/api/health', { auth: false }),
  wsTicket: () => apiFetch('/api/ws-ticket', { method: 'POST' }),
};

/** GET /api/live, but never let a slow response replace a newer frame the socket already gave. */
async function fetchLive(qc) {
  const live = await liveApi.live();
  const skewS = estimateSkew(live, Date.now() / 1000);
  const prev = qc.getQueryData(liveKeys.live);
  const prevTs = Number(prev?.frame?.ts);
  const newTs = Number(live?.frame?.ts ?? live?.ts);
  if (prev?.frame && prevTs > newTs) return { ...prev, skewS };
  return { ...live, skewS };
}

/**
 * The live cache after a deviceData message. Socket frames carry no stale/online flags: a frame
 * newer than the one we had has just come from the unit, so it is fresh (online unless it says
 * offline). The newest frame re-sent on (re)connect is not news: it keeps the flags /api/live
 * gave for it (that request is re-run on every connect).
 */
export function socketFrame(prev, msg) {
  const frame = msg.data;
  const prevTs = num(prev?.frame?.ts ?? prev?.ts);
  const ts = num(frame.ts);
  const newer = !prev?.frame || prevTs === null || (ts !== null && ts > prevTs);
  return {
    ...(prev || {}),
    deviceId: msg.deviceId ?? prev?.deviceId,
    ts: frame.ts ?? prev?.ts,
    frame,
    skewS: prev?.skewS ?? 0,
    viaSocket: true,
    ...(newer ? { stale: false, online: !num(frame.offline) } : {}),
  };
}

export function LiveProvider({ token, children }) {
  const qc = useQueryClient();
  const [wsConnected, setWsConnected] = useState(false);

  const live = useQuery({
    queryKey: liveKeys.live,
    queryFn: () => fetchLive(qc),
    // The socket keeps it fresh; poll only as a fallback (faster while the socket is down).
    refetchInterval: wsConnected ? 60_000 : 5_000,
  });
  const health = useQuery({
    queryKey: liveKeys.health,
    queryFn: liveApi.health,
    refetchInterval: 30_000,
  });

  useEffect(() => {
    if (!token) return undefined;
    return openLiveSocket({
      getTicket: async () => (await liveApi.wsTicket()).ticket,
      onState: (up) => {
        setWsConnected(up);
        // (Re)connected: re-read /api/live to cover frames missed while the socket was down.
        if (up) qc.invalidateQueries({ queryKey: liveKeys.live });
      },
      onAuthFailure: expireSession,
      onMessage: (msg) => {
        if (msg.type === 'deviceData' && msg.data && typeof msg.data === 'object') {
          qc.setQueryData(liveKeys.live, (prev) => socketFrame(prev, msg));
        } else if (msg.type === 'status' && msg.upstream) {
          qc.setQueryData(liveKeys.health, (prev) => ({
            ...(prev || {}),
            status: msg.upstream.socket_connected ? 'ok' : 'degraded',
            upstream: msg.upstream,
          }));
        }
      },
    });
  }, [token, qc]);

  const value = {
    live,
    frame: live.data?.frame ?? null,
    ts: live.data?.frame?.ts ?? live.data?.ts ?? null,
    skewS: live.data?.skewS ?? 0,
    stale: live.data?.stale,
    online: live.data?.online,
    staleAfterS: live.data?.stale_after_s,
    upstreamConnected: health.data?.upstream?.socket_connected,
    wsConnected,
  };
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive() {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLive outside LiveProvider');
  return ctx;
}
