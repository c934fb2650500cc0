// A channel map shaped like GET /api/channels (labels deliberately differ from any UI text,
// so tests prove the UI reads them from the map).
const PAIRS = [
  ['d1', 'd8', 'CO₂', 'ppm', 0, 'lower', null, 0, null],
  ['d2', 'd9', 'Dust PM', 'µg/m³', 0, 'lower', null, 0, null],
  ['d3', 'd10', 'Temperature', '°C', 1, 'lower', null, -40, 85],
  ['d4', 'd11', 'Humidity', '%', 0, 'target', 55, 0, 100],
  ['d5', 'd12', 'Water pH', 'pH', 2, 'target', 7, 0, 14],
  ['d6', 'd13', 'Water Level', '%', 0, 'higher', null, 0, 4095],
  ['d7', 'd14', 'Water Temp', '°C', 1, 'lower', null, -40, 85],
];

export function channelMap() {
  const inlets = [];
  const outlets = [];
  for (const [i, o, quantity, unit, precision, better, target, min, max] of PAIRS) {
    const common = { unit, precision, better, target, quantity, min, max, trigger: true };
    inlets.push({ code: i, label: `Inlet ${quantity}`, group: 'inlet', pair: o, ...common });
    outlets.push({ code: o, label: `Outlet ${quantity}`, group: 'outlet', pair: i, ...common });
  }
  const system = [
    {
      code: 'd15',
      label: 'SW version',
      unit: '',
      group: 'system',
      pair: null,
      precision: 0,
      trigger: false,
      better: null,
      target: null,
      quantity: null,
    },
    {
      code: 'd16',
      label: 'HW version',
      unit: '',
      group: 'system',
      pair: null,
      precision: 0,
      trigger: false,
      better: null,
      target: null,
      quantity: null,
    },
    {
      code: 'd38',
      label: 'GSM signal strength',
      unit: 'CSQ',
      group: 'system',
      pair: null,
      precision: 0,
      min: 0,
      max: 31,
      trigger: true,
      better: 'higher',
      target: null,
      quantity: null,
    },
  ];
  const relays = Array.from({ length: 8 }, (_, k) => ({
    code: `i${k + 1}`,
    label: `Relay ${k + 1}`,
    unit: '',
    group: 'relay',
    pair: null,
    precision: 0,
    trigger: false,
    better: null,
    target: null,
    quantity: null,
  }));
  return [...inlets, ...outlets, ...system, ...relays];
}

export function frame(overrides = {}) {
  return {
    d: 'IOCL_XTRA_O2_ADMIN',
    deviceId: 'IOCL_XTRA_O2_ADMIN',
    ts: Math.floor(Date.now() / 1000) - 3,
    offline: 0,
    d1: 412.0,
    d2: 87.0,
    d3: 31.24,
    d4: 61.0,
    d5: 7.42,
    d6: 73.0,
    d7: 26.0,
    d8: 380.0,
    d9: 24.0,
    d10: 27.5,
    d11: 57.0,
    d12: 7.1,
    d13: 70.0,
    d14: 25.0,
    d15: 22.0,
    d16: 23.0,
    d38: 19.0,
    i1: 1.0,
    i2: 0.0,
    i3: 1,
    i4: 0,
    i5: 0,
    i6: 0,
    i7: 0,
    i8: 0,
    ...overrides,
  };
}

/** GET /api/live as the gateway answers (SPEC 12): state and the latest frame's arrival. */
export function liveResponse(f = frame(), { state = 'live', ageS = 3 } = {}) {
  return {
    deviceId: 'IOCL_XTRA_O2_ADMIN',
    ts: f.ts,
    age_s: ageS,
    state,
    last_frame_at: Date.now() / 1000 - ageS,
    online: state === 'live',
    stale: state !== 'live',
    late_after_s: 25,
    offline_after_s: 120,
    frame: f,
  };
}

/** GET /api/live of an older gateway: online/stale flags only. */
export function legacyLiveResponse(f = frame(), { ageS = 3, online = true, stale = false } = {}) {
  return { deviceId: 'IOCL_XTRA_O2_ADMIN', ts: f.ts, age_s: ageS, online, stale, frame: f };
}

export function relay(id, overrides = {}) {
  return {
    id,
    name: `Relay ${id.slice(1)}`,
    mode: 'manual',
    sensor: null,
    time: null,
    actual: 0,
    command: null,
    ...overrides,
  };
}

export function relays(overrides = {}) {
  return {
    relays: Array.from({ length: 8 }, (_, k) => {
      const id = `i${k + 1}`;
      return relay(id, overrides[id] || {});
    }),
  };
}
