import { vi } from 'vitest';

/** A controllable stand-in for the browser WebSocket. */
export class FakeWebSocket {
  static instances = [];
  static last() {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.closed = false;
    FakeWebSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  emit(msg) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  serverClose(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  send() {}
}

export function installFakeWebSocket() {
  FakeWebSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  return FakeWebSocket;
}
