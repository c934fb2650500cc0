// Live data: GET /api/live once (and as a fallback poll), then frames pushed over /api/ws.
import { createContext, useContext, useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from './api.js';
import { ageOf, estimateSkew, liveStatus } from './age.js';
import { num } from './format.js';
import { useNow } from '../hooks/useNow.js';
import { useUnitTimeZone } from './queries.js';
import { expireSession } from './auth.js';
import { openLiveSocket } from './liveSocket.js';

const LiveContext = createContext(null);

const liveKeys = { live: ['live'], health: ['health'] };

const liveApi = {
  live: () => apiFetch('/api/live'),
  health: () => apiFetch('/api/health', { auth: false }),
  wsTicket: () => apiFetch('/api/ws-ticket', { method: 'POST' }),
};

/**
 * When the latest frame arrived, on the console's clock: the server's `last_frame_at`, or (an
 * older server) the moment `age_s` before its answer.
 */
function lastFrameAtOf(live, skewS, localNowS) {
  const at = num(live?.last_frame_at);
  if (at !== null || !live?.frame) return at;
  const age = num(live?.age_s);
  return age === null ? null : localNowS - skewS - age;
}

/** GET /api/live, but never let a slow response replace a newer frame the socket already gave. */
async function fetchLive(qc) {
  const live = await liveApi.live();
  const localNow = Date.now() / 1000;
  const skewS = estimateSkew(live, localNow);
  const lastFrameAt = lastFrameAtOf(live, skewS, localNow);
  const prev = qc.getQueryData(liveKeys.live);
  const prevTs = Number(prev?.frame?.ts);
  const newTs = Number(live?.frame?.ts ?? live?.ts);
  if (prev?.frame && prevTs > newTs) return { ...prev, skewS };
  return { ...live, skewS, lastFrameAt };
}

/** GET /api/live and /api/health as queries (LiveProvider's, and the first screen's prefetch). */
export function liveQueries(qc) {
  return {
    live: { queryKey: liveKeys.live, queryFn: () => fetchLive(qc) },
    health: { queryKey: liveKeys.health, queryFn: liveApi.health },
  };
}

/** The live cache after a status message: the server's state as it changes (SPEC 12). */
export function statusUpdate(prev, upstream) {
  if (!prev) return prev;
  const at = num(upstream?.last_frame_at);
  return {
    ...prev,
    ...(upstream?.state ? { state: upstream.state } : {}),
    ...(at !== null ? { lastFrameAt: at } : {}),
  };
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
    // arrived at the console just now (its clock: ours minus the skew)
    ...(newer
      ? {
          stale: false,
          online: !num(frame.offline),
          state: num(frame.offline) === 1 ? 'offline' : 'live',
          lastFrameAt: Date.now() / 1000 - (prev?.skewS ?? 0),
        }
      : {}),
  };
}

export function LiveProvider({ token, children }) {
  const qc = useQueryClient();
  // 'connecting' (the first try), 'up', or 'down' (closed since; retrying with backoff)
  const [wsState, setWsState] = useState('connecting');
  const wsConnected = wsState === 'up';

  const queries = liveQueries(qc);
  const live = useQuery({
    ...queries.live,
    // The socket keeps it fresh; poll only as a fallback (faster while the socket is down).
    refetchInterval: wsConnected ? 60_000 : 5_000,
  });
  const health = useQuery({ ...queries.health, refetchInterval: 30_000 });

  useEffect(() => {
    if (!token) return undefined;
    return openLiveSocket({
      getTicket: async () => (await liveApi.wsTicket()).ticket,
      onState: (up) => {
        setWsState(up ? 'up' : 'down');
        // (Re)connected: re-read /api/live to cover frames missed while the socket was down.
        if (up) qc.invalidateQueries({ queryKey: liveKeys.live });
      },
      onAuthFailure: expireSession,
      onMessage: (msg) => {
        if (msg.type === 'deviceData' && msg.data && typeof msg.data === 'object') {
          qc.setQueryData(liveKeys.live, (prev) => socketFrame(prev, msg));
        } else if (msg.type === 'status' && msg.upstream) {
          qc.setQueryData(liveKeys.live, (prev) => statusUpdate(prev, msg.upstream));
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
    state: live.data?.state,
    lastFrameAt: live.data?.lastFrameAt ?? null,
    lateAfterS: live.data?.late_after_s ?? live.data?.stale_after_s,
    offlineAfterS: live.data?.offline_after_s,
    upstreamConnected: health.data?.upstream?.socket_connected,
    wsConnected,
    // a dropped link, not the first connection (which /api/live already covers): said in the banner
    wsDown: wsState === 'down',
  };
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive() {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLive outside LiveProvider');
  return ctx;
}

/** Local epoch seconds, re-rendering at `wakeAtS` (and whenever the caller re-renders). */
function useWakeAt(wakeAtS) {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (wakeAtS === null || !Number.isFinite(wakeAtS)) return undefined;
    const ms = Math.max(0, (wakeAtS - Date.now() / 1000) * 1000) + 50;
    const id = setTimeout(() => setTick((n) => n + 1), Math.min(ms, 2 ** 31 - 1));
    return () => clearTimeout(id);
  }, [wakeAtS]);
  return Date.now() / 1000;
}

/**
 * The unit's state in words: {state: "live"|"late"|"offline", text ("Offline since 10:58 IST"),
 * detail, since (epoch s), when ("10:58 IST"), live (bool), ageS}. `tick: true` re-renders every
 * second (a ticking "updated 8 s ago"); else only when the state turns by time alone (live ->
 * late -> offline) or new data comes: a page of values is not re-rendered every second.
 */
export function useLiveStatus({ tick = false } = {}) {
  const ctx = useLive();
  const { tz } = useUnitTimeZone();
  const ticking = useNow(tick ? 1000 : 2 ** 30);
  const at = num(ctx.lastFrameAt);
  const turns = [ctx.lateAfterS, ctx.offlineAfterS].map(num).filter((x) => x !== null);
  const localAt = at === null ? null : at + ctx.skewS;
  const nowS = useWakeAt(tick || localAt === null ? null : nextTurn(localAt, turns));
  const now = tick ? ticking : nowS;
  const ageS = ageOf(ctx.lastFrameAt, now, ctx.skewS);
  const status = liveStatus({ ...ctx, ageS }, tz, now - ctx.skewS);
  return { ...status, live: status.state === 'live', ageS, tz };
}

/** The next local moment the state may turn by time alone: the first threshold still ahead. */
function nextTurn(localAt, turns) {
  const now = Date.now() / 1000;
  const ahead = turns.map((t) => localAt + t).filter((t) => t > now);
  return ahead.length ? Math.min(...ahead) : null;
}
