// The PM sub-index the unit's display shows, ported from automation_svc/aqi.py (keep the two in step:
// aqi.test.js checks the same band edges as tests/automation for aqi.py). The browser computes it
// from the live frame so the figure follows every frame, not only the display's 10 s pushes.

// (standard, size) -> [decimals the concentration is truncated to, bands [C_lo, C_hi, I_lo, I_hi]]
const BREAKPOINTS = {
  'cpcb:pm25': [0, [[0, 30, 0, 50], [31, 60, 51, 100], [61, 90, 101, 200], [91, 120, 201, 300], [121, 250, 301, 400], [251, 380, 401, 500]]],
  'cpcb:pm10': [0, [[0, 50, 0, 50], [51, 100, 51, 100], [101, 250, 101, 200], [251, 350, 201, 300], [351, 430, 301, 400], [431, 510, 401, 500]]],
  'epa:pm25': [1, [[0.0, 9.0, 0, 50], [9.1, 35.4, 51, 100], [35.5, 55.4, 101, 150], [55.5, 125.4, 151, 200], [125.5, 225.4, 201, 300], [225.5, 325.4, 301, 500]]],
  'epa:pm10': [0, [[0, 54, 0, 50], [55, 154, 51, 100], [155, 254, 101, 150], [255, 354, 151, 200], [355, 424, 201, 300], [425, 604, 301, 500]]],
};
export const AQI_MAX = 500;

// Category names and colours: CPCB's NAQI colour scheme and EPA's AQI colours (upper index bound).
const CATEGORIES = {
  cpcb: [
    [50, 'Good', '#00b050'],
    [100, 'Satisfactory', '#92d050'],
    [200, 'Moderately polluted', '#ffff00'],
    [300, 'Poor', '#ff9900'],
    [400, 'Very poor', '#ff0000'],
    [AQI_MAX, 'Severe', '#c00000'],
  ],
  epa: [
    [50, 'Good', '#00e400'],
    [100, 'Moderate', '#ffff00'],
    [150, 'Unhealthy for sensitive groups', '#ff7e00'],
    [200, 'Unhealthy', '#ff0000'],
    [300, 'Very unhealthy', '#8f3f97'],
    [AQI_MAX, 'Hazardous', '#7e0023'],
  ],
};

export const STANDARD_NAMES = { cpcb: 'India NAQI (CPCB)', epa: 'US EPA AQI' };

function table(standard, size) {
  return BREAKPOINTS[`${standard}:${size}`] || BREAKPOINTS['cpcb:pm25'];
}

/** Sub-index for a PM concentration (ug/m3), as aqi.py's pm_aqi; null for no reading. */
export function pmAqi(concentration, standard = 'cpcb', size = 'pm25') {
  if (concentration === null || concentration === undefined || concentration === '') return null;
  const x = Number(concentration);
  if (!Number.isFinite(x)) return null;
  const [decimals, bands] = table(standard, size);
  const scale = 10 ** decimals;
  // Truncating to the table's resolution closes the gaps between bands (30.7 -> 30, 9.05 -> 9.0).
  const c = Math.floor(Math.max(0, x) * scale + 1e-9) / scale;
  for (const [cLo, cHi, iLo, iHi] of bands) {
    // Half-up rounding, as aqi.py's round_half_up (70.5 -> 71).
    if (c <= cHi) return Math.floor(((iHi - iLo) / (cHi - cLo)) * (c - cLo) + iLo + 0.5);
  }
  return AQI_MAX;
}

/** {name, color, ink} of an index under a standard; ink is the readable text colour on `color`. */
export function aqiCategory(index, standard = 'cpcb') {
  if (index === null || index === undefined) return null;
  const cats = CATEGORIES[standard] || CATEGORIES.cpcb;
  const [, name, color] = cats.find(([hi]) => index <= hi) || cats[cats.length - 1];
  return { name, color, ink: inkOn(color) };
}

/** The categories of a standard in order: [{name, color, ink, upTo}] (the report's days per category). */
export function aqiCategories(standard = 'cpcb') {
  return (CATEGORIES[standard] || CATEGORIES.cpcb).map(([upTo, name, color]) => ({ name, color, ink: inkOn(color), upTo }));
}

/** Black or white, whichever reads better on a hex colour (WCAG relative luminance). */
export function inkOn(hex) {
  const ch = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05): pick the larger.
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}
