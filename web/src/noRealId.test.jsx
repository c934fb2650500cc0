// @vitest-environment node
// The upstream device id (prefix below) must never appear in the web source or the built bundle.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const PREFIX = ['B', 'T', 'T', 'E'].join(''); // spelled out so this file doesn't contain it
const ROOT = path.resolve(__dirname, '..');

function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

describe('no upstream device id', () => {
  it('is absent from src/, e2e/, index.html and dist/ (when built)', () => {
    const all = [
      ...files(path.join(ROOT, 'src')),
      ...files(path.join(ROOT, 'e2e')),
      ...files(path.join(ROOT, 'dist')),
      path.join(ROOT, 'index.html'),
    ];
    expect(all.length).toBeGreaterThan(10);
    const hits = all.filter((f) => fs.readFileSync(f, 'latin1').toUpperCase().includes(PREFIX));
    expect(hits).toEqual([]);
  });
});
