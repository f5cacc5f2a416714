// Where an explorer keeps the states it has seen: the StateStore interface and its three
// implementations. Fingerprint stores keep a 64-bit fingerprint per state in an open-addressing
// table of Int32 pairs (`FingerprintTable`, the one probe loop below); the local one is used by
// one thread and grows itself, the shared one lives in a SharedArrayBuffer, is inserted into
// by every worker at once (lock-free, Laarman et al., FMCAD 2010) and grows between rounds of
// a level, when nobody inserts. The exact store keeps whole states (no collision possible).
//
// A slot is empty when its first word is 0, so no stored half is ever 0: a half that hashes
// to 0 is stored as 1, which costs a negligible sliver of the 64 bits. A concurrent inserter
// claims a slot with a compare-and-swap of its first word and then stores the second; a reader
// that finds a claimed slot whose second word is still 0 waits for it.
import { fingerprint } from './fingerprint.ts';

export interface StateStore {
  /** Adds the packed state at s[off..]; true when it was not there before. */
  insert(s: Int32Array, off: number): boolean;
  has(s: Int32Array, off: number): boolean;
  readonly size: number;
  readonly bytes: number;
  /** Whole states are stored: no fingerprint collision is possible. */
  readonly exact: boolean;
  /**
   * In a store that numbers its states (made with `indexed`): the number of the state the
   * last `insert` found already there. States are numbered in the order they were inserted.
   */
  readonly found: number;
  /**
   * Takes the `n` packed states at s[0..n * width) as a batch (the successors of one state):
   * fingerprints them all and reads each one's home slot, so that the cache misses of their
   * probes overlap instead of following one another. `insertAt(j)` and `hasAt(j)` then
   * look the j-th up; `s` must not change in between.
   */
  prepare(s: Int32Array, n: number): void;
  insertAt(j: number): boolean;
  hasAt(j: number): boolean;
}

/** 2 words per slot; `mask` is slots - 1. Plain data, so workers receive it in a task. */
export interface FingerprintTable {
  readonly words: Int32Array;
  readonly mask: number;
}

// A table's buffer is a growable SharedArrayBuffer (ES2024; Node 20 has it) whether or not
// threads share it: it reserves address space up to MAX_TABLE_BYTES and commits only what it
// uses, so the table doubles in place (`growInPlace`) instead of being copied into a new one,
// and the old and the new table never coexist (at 30 M states that transient was a third of
// the peak). Views are fixed-length: as fast as over a plain buffer, where a length-tracking
// view is several times slower, and so is any view over a resizable (unshared) ArrayBuffer,
// about 1.6-1.9x in a loop of reads and writes: so even the one-thread table is shared.
interface GrowableBuffer {
  readonly maxByteLength: number;
  readonly byteLength: number;
  grow?(bytes: number): void;
}
type BufferMaker = new (bytes: number, options: { maxByteLength: number }) => SharedArrayBuffer & GrowableBuffer;

/** The most V8 reserves for one growable buffer (4 GiB, 2^29 slots); beyond it tables are copied. */
const MAX_TABLE_BYTES = 2 ** 32;

function tableBuffer(bytes: number, shared: boolean): ArrayBufferLike {
  try {
    return new (SharedArrayBuffer as unknown as BufferMaker)(bytes, { maxByteLength: Math.max(bytes, MAX_TABLE_BYTES) });
  } catch {
    // No room to reserve the address space (a limit on virtual memory): a plain buffer, grown by copying.
    return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
}

export function newTable(slotsLog2: number, shared = true): FingerprintTable {
  const slots = 2 ** slotsLog2;
  return { words: new Int32Array(tableBuffer(slots * 8, shared), 0, slots * 2), mask: slots - 1 };
}

/**
 * Doubles `t` in place when its buffer can grow (only while nobody reads or inserts); null when
 * it cannot (the caller copies instead). The old slots are rehashed cluster by cluster: a
 * cluster (a maximal run of full slots, taken cyclically) is emptied and its fingerprints are
 * inserted again under the new mask. Under linear probing those land within the cluster's own
 * span or that span moved up by the old size (each suffix of a cluster holds no more homes than
 * slots), so re-inserting one cluster never touches another, and the order does not matter. The
 * walk starts after an empty slot, so the cluster that wraps around the end is taken whole.
 */
export function growInPlace(t: FingerprintTable): FingerprintTable | null {
  const buffer = t.words.buffer as ArrayBufferLike & GrowableBuffer;
  const slots = t.mask + 1;
  const bytes = slots * 16;
  if (buffer.byteLength !== slots * 8 || !(buffer.maxByteLength >= bytes)) return null;
  if (!buffer.grow) return null;
  buffer.grow(bytes);
  const words = new Int32Array(buffer, 0, slots * 4);
  const bigger: FingerprintTable = { words, mask: 2 * slots - 1 };
  const old = slots - 1;
  let start = 0;
  while (words[start << 1] !== 0) start++; // the table is never full
  let cluster = new Int32Array(64);
  let i = (start + 1) & old;
  for (let left = old; left > 0; ) {
    if (words[i << 1] === 0) {
      i = (i + 1) & old;
      left--;
      continue;
    }
    let n = 0;
    for (; words[i << 1] !== 0; i = (i + 1) & old, left--, n++) {
      if (2 * n + 2 > cluster.length) {
        const more = new Int32Array(cluster.length * 2);
        more.set(cluster);
        cluster = more;
      }
      cluster[2 * n] = words[i << 1];
      cluster[2 * n + 1] = words[(i << 1) + 1];
      words[i << 1] = 0;
      words[(i << 1) + 1] = 0;
    }
    for (let k = 0; k < n; k++) {
      const at = (-1 - probe(bigger, cluster[2 * k], cluster[2 * k + 1])) << 1;
      words[at] = cluster[2 * k];
      words[at + 1] = cluster[2 * k + 1];
    }
  }
  return bigger;
}

const home = (a: number, b: number, mask: number): number => (a ^ Math.imul(b, 0x9e3779b1)) & mask;

/**
 * The probe loop. From slot `i` on, the slot holding (a, b) (as its index), or the first empty
 * slot (as -1 - index). Both halves are non-zero. Reads are plain; a slot whose second half is
 * not there yet is being filled by another thread, and is waited for.
 */
export function probe(t: FingerprintTable, a: number, b: number, i = home(a, b, t.mask)): number {
  const w = t.words;
  const mask = t.mask;
  for (let probes = 0; probes <= mask; probes++) {
    const at = i << 1;
    const x = w[at];
    if (x === 0) return -1 - i;
    if (x === a) {
      let y = w[at + 1];
      while (y === 0) y = Atomics.load(w, at + 1);
      if (y === b) return i;
    }
    i = (i + 1) & mask;
  }
  throw new TableFullError(`the seen-set is full (${mask + 1} slots)`);
}

export class TableFullError extends Error {}

/** Where the words read by `prepareBatch` go, so that the reads are not optimised away. */
const sink = new Int32Array(1);

/**
 * Fingerprints the `n` packed states of `width` words at s[0..] into fps (halves as stored,
 * never 0: fps[2j], fps[2j + 1]) and reads the home slot of each in `t`. The reads do not
 * depend on one another, so the processor has several cache misses in flight at once (the
 * table is far bigger than the caches); the probes that follow then find the lines in cache.
 */
export function prepareBatch(t: FingerprintTable, s: Int32Array, n: number, width: number, fps: Int32Array): void {
  for (let j = 0; j < n; j++) {
    fingerprint(s, j * width, width, fps, 2 * j);
    fps[2 * j] = half(fps[2 * j]);
    fps[2 * j + 1] = half(fps[2 * j + 1]);
  }
  const w = t.words;
  const mask = t.mask;
  let x = 0;
  for (let j = 0; j < n; j++) x ^= w[home(fps[2 * j], fps[2 * j + 1], mask) << 1];
  sink[0] ^= x;
}

/** Room for the fingerprints of a batch of `n` states (grown by doubling). */
export function batchRoom(fps: Int32Array, n: number): Int32Array {
  if (2 * n <= fps.length) return fps;
  let size = fps.length;
  while (size < 2 * n) size *= 2;
  return new Int32Array(size);
}

/** Fingerprint halves as stored: never 0. */
const half = (x: number): number => (x === 0 ? 1 : x);

/**
 * Inserts (a, b), both halves non-zero (as `prepareBatch` leaves them), from any number of
 * threads at once; true when it was not there before. A duplicate, the common case in BFS,
 * costs no atomic operation at all: only claiming an empty slot does, and a lost race goes
 * on probing from that slot.
 */
export function insertHalves(t: FingerprintTable, a: number, b: number): boolean {
  let r = probe(t, a, b);
  for (;;) {
    if (r >= 0) return false;
    const i = -1 - r;
    const x = Atomics.compareExchange(t.words, i << 1, 0, a);
    if (x === 0) {
      Atomics.store(t.words, (i << 1) + 1, b);
      return true;
    }
    r = probe(t, a, b, i);
  }
}

/** Every fingerprint of `from` into `to` (a bigger table); only when nobody inserts. */
export function copyInto(from: FingerprintTable, to: FingerprintTable): void {
  const w = from.words;
  for (let at = 0; at < w.length; at += 2) {
    if (w[at] === 0) continue;
    const r = probe(to, w[at], w[at + 1]);
    if (r < 0) {
      to.words[(-1 - r) << 1] = w[at];
      to.words[((-1 - r) << 1) + 1] = w[at + 1];
    }
  }
}

/**
 * 64-bit fingerprints, one thread: about 11-16 bytes per state; collisions possible. An
 * indexed store also keeps each state's number (4 bytes more per slot), for the graph that
 * liveness checking needs.
 */
export class FingerprintStore implements StateStore {
  readonly exact = false;
  private t: FingerprintTable;
  private numbers: Int32Array | null;
  private readonly fp = new Int32Array(2);
  private fps: Int32Array = new Int32Array(64);
  size = 0;
  found = -1;

  constructor(
    private readonly width: number,
    slotsLog2 = 16,
    indexed = false,
    private readonly shared = false,
  ) {
    this.t = newTable(slotsLog2, shared);
    this.numbers = indexed ? new Int32Array(this.t.mask + 1) : null;
  }

  /** The table itself, for handing the search over to the workers. */
  get table(): FingerprintTable {
    return this.t;
  }

  get bytes(): number {
    return this.t.words.byteLength + (this.numbers?.byteLength ?? 0);
  }

  insert(s: Int32Array, off: number): boolean {
    if (this.size * 4 >= (this.t.mask + 1) * 3) this.grow();
    fingerprint(s, off, this.width, this.fp);
    return this.add(half(this.fp[0]), half(this.fp[1]));
  }

  prepare(s: Int32Array, n: number): void {
    this.fps = batchRoom(this.fps, n);
    prepareBatch(this.t, s, n, this.width, this.fps);
  }

  insertAt(j: number): boolean {
    if (this.size * 4 >= (this.t.mask + 1) * 3) this.grow();
    return this.add(this.fps[2 * j], this.fps[2 * j + 1]);
  }

  hasAt(j: number): boolean {
    return probe(this.t, this.fps[2 * j], this.fps[2 * j + 1]) >= 0;
  }

  /** Inserts the fingerprint (a, b), both halves non-zero. */
  private add(a: number, b: number): boolean {
    const r = probe(this.t, a, b);
    if (r >= 0) {
      if (this.numbers) this.found = this.numbers[r];
      return false;
    }
    const at = (-1 - r) << 1;
    this.t.words[at] = a;
    this.t.words[at + 1] = b;
    if (this.numbers) this.numbers[-1 - r] = this.size;
    this.size++;
    return true;
  }

  has(s: Int32Array, off: number): boolean {
    fingerprint(s, off, this.width, this.fp);
    return probe(this.t, half(this.fp[0]), half(this.fp[1])) >= 0;
  }

  private grow(): void {
    const old = this.numbers;
    if (!old) {
      const inPlace = growInPlace(this.t);
      if (inPlace) {
        this.t = inPlace;
        return;
      }
    }
    const bigger = newTable(Math.log2(this.t.mask + 1) + 1, this.shared);
    if (!old) copyInto(this.t, bigger);
    else {
      const numbers = new Int32Array(bigger.mask + 1);
      const w = this.t.words;
      for (let i = 0; i <= this.t.mask; i++) {
        if (w[i << 1] === 0) continue;
        const e = -1 - probe(bigger, w[i << 1], w[(i << 1) + 1]);
        bigger.words[e << 1] = w[i << 1];
        bigger.words[(e << 1) + 1] = w[(i << 1) + 1];
        numbers[e] = old[i];
      }
      this.numbers = numbers;
    }
    this.t = bigger;
  }
}

/** Whole states (--exact): no collision is possible; 4 bytes per slot per state, plus the table. */
export class ExactStore implements StateStore {
  readonly exact = true;
  private states: Int32Array;
  private used: Uint8Array;
  private mask: number;
  private numbers: Int32Array;
  size = 0;
  found = -1;
  private readonly fp = new Int32Array(2);

  constructor(private readonly width: number) {
    this.numbers = new Int32Array(1 << 12);
    this.used = new Uint8Array(1 << 12);
    this.states = new Int32Array((1 << 12) * Math.max(width, 1));
    this.mask = (1 << 12) - 1;
  }

  /** The slot holding the state, or the empty slot where it belongs. */
  private find(s: Int32Array, off: number): number {
    const W = this.width;
    fingerprint(s, off, W, this.fp);
    let i = this.fp[0] & this.mask;
    for (;;) {
      if (!this.used[i]) return i;
      let same = true;
      for (let k = 0; k < W; k++)
        if (this.states[i * W + k] !== s[off + k]) {
          same = false;
          break;
        }
      if (same) return i;
      i = (i + 1) & this.mask;
    }
  }

  private batch: Int32Array = new Int32Array(0);

  prepare(s: Int32Array): void {
    this.batch = s;
  }

  insertAt(j: number): boolean {
    return this.insert(this.batch, j * this.width);
  }

  hasAt(j: number): boolean {
    return this.has(this.batch, j * this.width);
  }

  insert(s: Int32Array, off: number): boolean {
    if (this.size * 4 >= (this.mask + 1) * 3) this.grow();
    const i = this.find(s, off);
    if (this.used[i]) {
      this.found = this.numbers[i];
      return false;
    }
    this.numbers[i] = this.size;
    this.used[i] = 1;
    this.states.set(s.subarray(off, off + this.width), i * this.width);
    this.size++;
    return true;
  }

  has(s: Int32Array, off: number): boolean {
    return this.used[this.find(s, off)] === 1;
  }

  get bytes(): number {
    return this.states.byteLength + this.used.byteLength + this.numbers.byteLength;
  }

  private grow(): void {
    const W = this.width;
    const { states, used, numbers } = this;
    const slots = (this.mask + 1) * 2;
    this.states = new Int32Array(slots * Math.max(W, 1));
    this.used = new Uint8Array(slots);
    this.numbers = new Int32Array(slots);
    this.mask = slots - 1;
    for (let i = 0; i < used.length; i++) {
      if (!used[i]) continue;
      const j = this.find(states, i * W);
      this.used[j] = 1;
      this.numbers[j] = numbers[i];
      this.states.set(states.subarray(i * W, i * W + W), j * W);
    }
  }
}

/**
 * The table the workers share, and its growth protocol: it is kept at most 85% full during a
 * level and grows past 80% between levels. Workers stop at the pause mark, which leaves room
 * above it for what the others insert before they notice (each publishes its count every
 * `publishEvery` inserts and then stops at once); then it doubles, and they go on. Linear
 * probing over 8-byte slots stays within a cache line or two even that full, and the table is
 * most of the memory, so it is kept dense.
 */
export class SharedStore {
  table: FingerprintTable;
  slotsLog2: number;

  constructor(
    firstLog2: number,
    private readonly workers: number,
    private readonly publishEvery: number,
  ) {
    // Never below 4,096 slots: the pause mark needs room above it.
    this.slotsLog2 = Math.max(12, firstLog2);
    this.table = newTable(this.slotsLog2);
  }

  /** Takes the `states` fingerprints of a one-thread search that hands over to the workers. */
  adopt(from: FingerprintTable, states: number): void {
    const log2 = Math.log2(from.mask + 1);
    // A shared table no fuller than the one-thread store lets it be (75%) is taken as it is;
    // ensureRoom grows it before the first level if it must.
    if (from.words.buffer instanceof SharedArrayBuffer && log2 >= this.slotsLog2) {
      this.slotsLog2 = log2;
      this.table = from;
      return;
    }
    while (2 ** this.slotsLog2 * 0.5 < states) this.slotsLog2++; // room for the next levels
    this.table = newTable(this.slotsLog2);
    copyInto(from, this.table);
  }

  private mark(slots: number): number {
    return Math.min(Math.floor(0.85 * slots), slots - 4 * this.workers * this.publishEvery);
  }

  /** How many times the table was replaced by a copy (growing in place does not count). */
  replacements = 0;

  /**
   * Grows the table if `size` states leave too little room (only while no worker inserts);
   * returns the pause mark and whether the table was replaced by a copy (the old one must
   * then be let go in every thread; a table grown in place has nothing to let go).
   */
  ensureRoom(size: number, betweenLevels: boolean): { pauseAt: number; replaced: boolean } {
    let replaced = false;
    const limit = (log2: number) => (betweenLevels ? Math.min(0.8 * 2 ** log2, this.mark(2 ** log2)) : this.mark(2 ** log2));
    while (size >= limit(this.slotsLog2)) {
      this.slotsLog2++;
      let bigger = growInPlace(this.table);
      if (!bigger) {
        bigger = newTable(this.slotsLog2);
        copyInto(this.table, bigger);
        replaced = true;
      }
      this.table = bigger;
    }
    if (replaced) this.replacements++;
    return { pauseAt: this.mark(2 ** this.slotsLog2), replaced };
  }

  get bytes(): number {
    return this.table.words.byteLength;
  }
}
