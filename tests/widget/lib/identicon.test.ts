import { describe, expect, test } from 'vitest';
import { identicon } from '../../../widget/src/lib/identicon';

/** The filled cells of a path, as "x,y". */
const cells = (d: string) => new Set([...d.matchAll(/M(\d) (\d)h1v1h-1z/g)].map(([, x, y]) => `${x},${y}`));

describe('identicon', () => {
  test('is deterministic: the same seed always draws the same picture, other seeds others', () => {
    const a = identicon('9f86d081884c7d65');
    expect(identicon('9f86d081884c7d65')).toEqual(a);
    const others = ['2c26b46b68ffc68f', '9f86d081884c7d66', 'Ada', 'Grace'].map((seed) => identicon(seed));
    for (const other of others) expect(other).not.toEqual(a);
    expect(new Set(others.map((o) => o.d)).size).toBe(others.length);
  });

  test('is a 5×5 grid, mirrored left to right, in one colour', () => {
    for (const seed of ['9f86d081884c7d65', '2c26b46b68ffc68f', 'x', 'Ζωή']) {
      const { d, fill } = identicon(seed);
      const filled = cells(d);
      expect(filled.size).toBeGreaterThan(0);
      for (const cell of filled) {
        const [x, y] = cell.split(',').map(Number);
        expect(x).toBeLessThan(5);
        expect(y).toBeLessThan(5);
        expect(filled.has(`${4 - x},${y}`)).toBe(true);
      }
      expect(fill).toMatch(/^hsl\(\d{1,3} 55% 45%\)$/);
    }
  });
});
