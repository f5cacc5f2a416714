// 64-bit state fingerprints as two 32-bit hashes mixed differently (murmur3-style); the
// tables that hold them are in store.ts.

/** Both 32-bit halves of a state's 64-bit fingerprint, in one pass, into out[at] and out[at + 1]. */
export function fingerprint(s: Int32Array, off: number, width: number, out: Int32Array, at = 0): void {
  let h = SEED_A | 0;
  let g = SEED_B | 0;
  for (let i = 0; i < width; i++) {
    const w = s[off + i];
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // The second half mixes each word with other constants and rotations, so that no
    // difference between two states can cancel out in both halves at once.
    let j = Math.imul(w ^ (w >>> 16), 0x85ebca6b);
    j = (j << 13) | (j >>> 19);
    j = Math.imul(j, 0xc2b2ae35);
    g ^= j;
    g = (g << 17) | (g >>> 15);
    g = (Math.imul(g, 9) + 0x7f4a7c15) | 0;
  }
  h ^= width;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  g ^= width;
  g ^= g >>> 16;
  g = Math.imul(g, 0x85ebca6b);
  g ^= g >>> 13;
  g = Math.imul(g, 0xc2b2ae35);
  g ^= g >>> 16;
  out[at] = h;
  out[at + 1] = g;
}

const SEED_A = 0x9747b28c;
const SEED_B = 0x2f6b1d35;

/** An append-only Int32 array that doubles when full. */
export class IntLog {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1 << 16) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}
