import { describe, expect, it } from 'vitest';
import { csvCell, seriesToCsv, zonedStamp } from './seriesCsv.js';

describe('CSV cells (SPEC 11: no formula runs in a spreadsheet)', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
  ])('prefixes text starting a formula: %j', (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });

  it('leaves numbers, plain text and blanks alone, and quotes what needs it', () => {
    expect(csvCell(-2.5)).toBe('-2.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell('Inlet CO₂ [ppm] mean')).toBe('Inlet CO₂ [ppm] mean');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });
});

describe('the chart’s series as CSV', () => {
  const history = {
    t: [1764610200, 1764613800, 'bad', 1764617400], // 2025-12-01 17:30, 18:30, -, 19:30 UTC
    series: {
      d1: { min: [400, 401, 0, 402], mean: [410.5, null, 0, 412], max: [420, 421, 0, 422] },
      d3: { min: [-1.5, 20], mean: [21], max: [22] },
    },
  };
  const channels = [
    { code: 'd1', label: 'Inlet CO₂', unit: 'ppm' },
    { code: 'd3', label: '=cmd|calc', unit: '°C' },
  ];

  it('writes one row per bucket, its time in the unit’s zone, min/mean/max per channel', () => {
    const text = seriesToCsv(history, channels, 'Asia/Kolkata');
    const lines = text.split('\r\n');
    expect(text.startsWith('\ufefftime (')).toBe(true); // a BOM, so Excel reads UTF-8
    expect(lines[0]).toBe(
      "\ufefftime (Asia/Kolkata),Inlet CO₂ [ppm] min,Inlet CO₂ [ppm] mean,Inlet CO₂ [ppm] max," +
        "'=cmd|calc [°C] min,'=cmd|calc [°C] mean,'=cmd|calc [°C] max",
    );
    expect(lines[1]).toBe('2025-12-01 23:00,400,410.5,420,-1.5,21,22');
    expect(lines[2]).toBe('2025-12-02 00:00,401,,421,20,,');
    expect(lines[3]).toBe('2025-12-02 01:00,402,412,422,,,'); // the bad timestamp is skipped, as on the chart
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
  });

  it('formats times in any zone, midnight as 00:00', () => {
    expect(zonedStamp(1764613800, 'Asia/Kolkata')).toBe('2025-12-02 00:00');
    expect(zonedStamp(1764613800, 'UTC')).toBe('2025-12-01 18:30');
    expect(zonedStamp(1764613800, 'America/New_York')).toBe('2025-12-01 13:30');
  });
});
