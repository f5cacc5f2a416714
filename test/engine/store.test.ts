// The seen-set's table: doubling in place (store.ts, growInPlace) keeps every fingerprint
// findable and adds none, whatever the clusters look like, including the one that wraps
// around the end of the table. Checked against a plain Set on tables small enough for
// clusters to be long and to wrap, at loads up to what the stores allow.
import { describe, expect, it } from 'vitest';
import { FingerprintStore, growInPlace, newTable, probe, type FingerprintTable } from '../../src/explore/store.ts';

/** A small deterministic generator (xorshift32), so a failure names its seed. */
function random(seed: number): () => number {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

function insert(t: FingerprintTable, a: number, b: number): boolean {
  const r = probe(t, a, b);
  if (r >= 0) return false;
  t.words[(-1 - r) << 1] = a;
  t.words[((-1 - r) << 1) + 1] = b;
  return true;
}

const full = (t: FingerprintTable) => {
  let n = 0;
  for (let i = 0; i <= t.mask; i++) if (t.words[i << 1] !== 0) n++;
  return n;
};

describe('the seen-set table grows in place', () => {
  // Every table is a growable SharedArrayBuffer whatever `shared` says (it only chooses the
  // fallback buffer); both calls are kept so that a fallback change is covered.
  for (const shared of [true, false])
    it(`keeps every fingerprint and adds none (newTable shared=${shared}, 300 random tables)`, () => {
      for (let seed = 1; seed <= 300; seed++) {
        const next = random(seed);
        const log2 = 3 + (seed % 6); // 8 to 256 slots: long clusters, often wrapping
        let t = newTable(log2, shared);
        const keys = new Map<string, [number, number]>();
        // Up to 7/8 full, with homes crowded into few values half of the time (long clusters).
        const n = Math.floor(((t.mask + 1) * (1 + (seed % 7))) / 8);
        const crowd = seed % 2 === 0;
        while (keys.size < n) {
          const a = (crowd ? (next() & 3) + 1 : next()) || 1;
          const b = next() || 1;
          if (insert(t, a, b)) keys.set(`${a},${b}`, [a, b]);
        }
        for (let round = 0; round < 3; round++) {
          const bigger = growInPlace(t);
          expect(bigger, `seed ${seed}: the buffer is growable`).not.toBeNull();
          t = bigger!;
          expect(full(t), `seed ${seed}`).toBe(keys.size);
          for (const [a, b] of keys.values()) expect(probe(t, a, b) >= 0, `seed ${seed}: ${a},${b} lost`).toBe(true);
          // and the table goes on working: more keys, all findable
          for (let k = 0; k < (t.mask + 1) / 4; k++) {
            const a = next() || 1;
            const b = next() || 1;
            if (insert(t, a, b)) keys.set(`${a},${b}`, [a, b]);
          }
        }
      }
    });

  it('a store that grows many times counts exactly what a Set counts', () => {
    const next = random(7);
    const store = new FingerprintStore(2, 3, false, true);
    const seen = new Set<string>();
    const s = new Int32Array(2);
    for (let k = 0; k < 200_000; k++) {
      s[0] = next() & 0xffff; // duplicates are common, as in a search
      s[1] = next() & 0x3;
      const fresh = store.insert(s, 0);
      expect(fresh).toBe(!seen.has(`${s[0]},${s[1]}`));
      seen.add(`${s[0]},${s[1]}`);
    }
    expect(store.size).toBe(seen.size);
  });
});
