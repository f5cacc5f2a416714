// 64-bit state fingerprints as two 32-bit hashes mixed differently (murmur3-style), and an
// open-addressing set of them. The pair (0, 0) marks an empty slot, so a state whose hash is
// (0, 0) is stored as (0, 1).

/** Both 32-bit halves of a state's 64-bit fingerprint, in one pass, into out[0] and out[1]. */
export function fingerprint(s: Int32Array, off: number, width: number, out: Int32Array): void {
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
  out[0] = h;
  out[1] = g;
}

const SEED_A = 0x9747b28c;
const SEED_B = 0x2f6b1d35;

export class FingerprintSet {
  private table: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacityLog2 = 16) {
    this.table = new Int32Array(2 << capacityLog2);
    this.mask = (1 << capacityLog2) - 1;
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  /** The raw table: pairs (a, b), (0, 0) for an empty slot. */
  get pairs(): Int32Array {
    return this.table;
  }

  /** Inserts the fingerprint; true when it was not there before. */
  insert(a: number, b: number): boolean {
    if (a === 0 && b === 0) b = 1;
    if (this.size * 4 >= (this.mask + 1) * 3) this.grow();
    const t = this.table;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const x = t[2 * i];
      const y = t[2 * i + 1];
      if (x === 0 && y === 0) {
        t[2 * i] = a;
        t[2 * i + 1] = b;
        this.size++;
        return true;
      }
      if (x === a && y === b) return false;
      i = (i + 1) & this.mask;
    }
  }

  has(a: number, b: number): boolean {
    if (a === 0 && b === 0) b = 1;
    const t = this.table;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const x = t[2 * i];
      const y = t[2 * i + 1];
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i], old[i + 1]);
    }
  }
}

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

/** What the one-worker engine deduplicates states with. */
export interface StateSet {
  /** The fingerprint pairs stored, for handing the search over to the workers (not --exact). */
  readonly pairs?: Int32Array;
  insert(s: Int32Array, off: number): boolean;
  has(s: Int32Array, off: number): boolean;
  readonly bytes: number;
  readonly exact: boolean;
}

/** 64-bit fingerprints: about 11-16 bytes per state; collisions possible (see docs/engine.md). */
export class FingerprintStateSet implements StateSet {
  readonly exact = false;
  private readonly set = new FingerprintSet(16);
  private readonly fp = new Int32Array(2);
  constructor(private readonly width: number) {}
  insert(s: Int32Array, off: number): boolean {
    fingerprint(s, off, this.width, this.fp);
    return this.set.insert(this.fp[0], this.fp[1]);
  }
  has(s: Int32Array, off: number): boolean {
    fingerprint(s, off, this.width, this.fp);
    return this.set.has(this.fp[0], this.fp[1]);
  }
  get bytes(): number {
    return this.set.bytes;
  }
  get pairs(): Int32Array {
    return this.set.pairs;
  }
}

/** Whole states (--exact): no collision is possible; 4 bytes per slot per state, plus the table. */
export class ExactStateSet implements StateSet {
  readonly exact = true;
  private states: Int32Array;
  private used: Uint8Array;
  private mask: number;
  private size = 0;
  private readonly fp = new Int32Array(2);
  constructor(private readonly width: number) {
    this.used = new Uint8Array(1 << 12);
    this.states = new Int32Array((1 << 12) * Math.max(width, 1));
    this.mask = (1 << 12) - 1;
  }
  private find(s: Int32Array, off: number): number {
    const W = this.width;
    fingerprint(s, off, W, this.fp);
    let i = this.fp[0] & this.mask;
    for (;;) {
      if (!this.used[i]) return i;
      let same = true;
      for (let k = 0; k < W; k++) if (this.states[i * W + k] !== s[off + k]) { same = false; break; }
      if (same) return i;
      i = (i + 1) & this.mask;
    }
  }
  insert(s: Int32Array, off: number): boolean {
    if (this.size * 4 >= (this.mask + 1) * 3) this.grow();
    const i = this.find(s, off);
    if (this.used[i]) return false;
    this.used[i] = 1;
    this.states.set(s.subarray(off, off + this.width), i * this.width);
    this.size++;
    return true;
  }
  has(s: Int32Array, off: number): boolean {
    return this.used[this.find(s, off)] === 1;
  }
  get bytes(): number {
    return this.states.byteLength + this.used.byteLength;
  }
  private grow(): void {
    const W = this.width;
    const { states, used } = this;
    const slots = (this.mask + 1) * 2;
    this.states = new Int32Array(slots * Math.max(W, 1));
    this.used = new Uint8Array(slots);
    this.mask = slots - 1;
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.insert(states, i * W);
  }
}
