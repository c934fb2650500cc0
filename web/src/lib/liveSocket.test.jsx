// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, openLiveSocket, wsUrl } from './liveSocket.js';
import { FakeWebSocket, installFakeWebSocket } from '../test/fakeWebSocket.js';

describe('live socket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    installFakeWebSocket();
  });
  afterEach(() => vi.useRealTimers());

  it('builds a same-origin ws/wss URL with the token', () => {
    expect(wsUrl('a b', { protocol: 'https:', host: 'x.example:8443' })).toBe(
      'wss://x.example:8443/api/ws?token=a%20b',
    );
    expect(wsUrl('t', { protocol: 'http:', host: 'localhost' })).toBe('ws://localhost/api/ws?token=t');
  });

  it('backs off exponentially up to 30 s', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => backoffMs(a, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('delivers messages, reconnects after a drop and stops on an auth close', () => {
    const onMessage = vi.fn();
    const onState = vi.fn();
    const onAuthFailure = vi.fn();
    const close = openLiveSocket({ token: 't', url: 'ws://h/api/ws?token=t', onMessage, onState, onAuthFailure });
    const first = FakeWebSocket.last();
    first.open();
    expect(onState).toHaveBeenLastCalledWith(true);
    first.emit({ type: 'deviceData', data: { d1: 1 } });
    first.onmessage({ data: 'not json' });
    expect(onMessage).toHaveBeenCalledTimes(1);

    first.serverClose(1006);
    expect(onState).toHaveBeenLastCalledWith(false);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1300);
    expect(FakeWebSocket.instances).toHaveLength(2);

    FakeWebSocket.last().serverClose(4401);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    close();
  });

  it('closes cleanly without reconnecting', () => {
    const close = openLiveSocket({ token: 't', url: 'ws://h' });
    const ws = FakeWebSocket.last();
    close();
    expect(ws.closed).toBe(true);
    vi.advanceTimersByTime(60000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});
