// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, openLiveSocket, wsUrl } from './liveSocket.js';
import { FakeWebSocket, installFakeWebSocket } from '../test/fakeWebSocket.js';

/** getTicket stand-in: hands out t1, t2, … and records each call. */
function tickets() {
  let n = 0;
  return vi.fn(async () => `t${++n}`);
}

describe('live socket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    installFakeWebSocket();
  });
  afterEach(() => vi.useRealTimers());

  it('builds a same-origin ws/wss URL with the ticket, never a token', () => {
    expect(wsUrl('a b', { protocol: 'https:', host: 'x.example:8443' })).toBe(
      'wss://x.example:8443/api/ws?ticket=a%20b',
    );
    expect(wsUrl('t', { protocol: 'http:', host: 'localhost' })).toBe('ws://localhost/api/ws?ticket=t');
  });

  it('backs off exponentially up to 30 s', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => backoffMs(a, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('fetches a new ticket before every connect, delivers messages, stops on an auth close', async () => {
    const onMessage = vi.fn();
    const onState = vi.fn();
    const onAuthFailure = vi.fn();
    const getTicket = tickets();
    const url = (t) => `ws://h/api/ws?ticket=${t}`;
    const close = openLiveSocket({ getTicket, url, onMessage, onState, onAuthFailure });
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeWebSocket.last();
    expect(first.url).toBe('ws://h/api/ws?ticket=t1');
    first.open();
    expect(onState).toHaveBeenLastCalledWith(true);
    first.emit({ type: 'deviceData', data: { d1: 1 } });
    first.onmessage({ data: 'not json' });
    expect(onMessage).toHaveBeenCalledTimes(1);

    first.serverClose(1006);
    expect(onState).toHaveBeenLastCalledWith(false);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1300);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(FakeWebSocket.last().url).toBe('ws://h/api/ws?ticket=t2'); // a ticket works once
    expect(getTicket).toHaveBeenCalledTimes(2);

    FakeWebSocket.last().serverClose(4401); // e.g. the login expired
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    close();
  });

  it('retries when the ticket cannot be fetched, and stops when the login is gone', async () => {
    const onAuthFailure = vi.fn();
    let fail = { status: 0 };
    const getTicket = vi.fn(async () => {
      if (fail) throw fail;
      return 'ok';
    });
    const close = openLiveSocket({ getTicket, url: (t) => `ws://h/${t}`, onAuthFailure });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.instances).toHaveLength(0); // network error: no socket, retry later
    fail = null;
    await vi.advanceTimersByTimeAsync(1300);
    expect(FakeWebSocket.last().url).toBe('ws://h/ok');
    FakeWebSocket.last().open();
    fail = { status: 401 };
    FakeWebSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1300);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60000);
    expect(getTicket).toHaveBeenCalledTimes(3);
    close();
  });

  it('closes cleanly without reconnecting', async () => {
    const close = openLiveSocket({ getTicket: tickets(), url: () => 'ws://h' });
    await vi.advanceTimersByTimeAsync(0);
    const ws = FakeWebSocket.last();
    close();
    expect(ws.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});
