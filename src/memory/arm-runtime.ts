// The memory system of --memory arm as the generated kernel calls it (`$m`): view-based
// loads, per-process buffers of pending stores, commits, barriers, fully ordered
// read-modify-writes and atomic blocks, and the normal form applied after every step. The
// rules are docs/memory-models.md's; names there (coh, vrOld, vwOld, vrNew, vCAP, vRel) are
// used here. Every method works on a state at a[b..] (the successor being built).
//
// Views travel with values: `w` is the view of the expression being evaluated; generated
// code zeroes it before an expression and reads it after. `enter()` saves it before an
// address is computed, and the load that follows restores it.
import type { Choices } from '../compile/runtime.ts';

/** View slots of an instance, relative to its `views` slot. */
export const VR_OLD = 0;
export const VW_OLD = 1;
export const VR_NEW = 2;
export const V_CAP = 3;
export const V_REL = 4;
export const VIEW_NAMES = ['vrOld', 'vwOld', 'vrNew', 'vCAP', 'vRel'] as const;

/** Flags of a pending store. */
export const BARRIER_AFTER = 1;
export const RELEASE = 2;
/** The write of a relaxed, acquire or release RMW (docs/memory-models.md, O3). */
export const EXCLUSIVE = 4;

/** Orderings of an RMW as the generated code passes them. */
export const ORDER_CODE = { full: 0, relaxed: 1, acquire: 2, release: 3 } as const;

/** Where things are in a state: plain data, so that a worker thread can rebuild the runtime. */
export interface ArmRuntimeData {
  readonly size: number; // K
  /** Global slot of each shared scalar location, in slot order; its index is `li`. */
  readonly locations: readonly number[];
  readonly memory: number; // first slot of the memory region
  readonly stride: number; // slots per location in it: 2 + 2 * (K + 1)
  readonly emptyLoc: number;
  readonly emptyVal: number;
  /**
   * Per instance: count slot, first buffer entry, coh, views, local views minus first local,
   * and its buffer's room (K, or 0 for a process that never leaves a pending store).
   */
  readonly instances: readonly (readonly [number, number, number, number, number, number])[];
  readonly width: number;
  /** Every slot that holds a timestamp of memory, and every slot that holds a view or timestamp. */
  readonly timestampSlots: readonly number[];
  readonly viewSlots: readonly number[];
}

const mx = Math.max;

export class ArmRuntime {
  /** The view of the value being computed. */
  w = 0;
  /** After ld(): whether it read the current message of memory (not a forwarded store). */
  cur = 0;
  /** After rmwx(): the view of the value it read. */
  rv = 0;
  /**
   * Whether the successor being built may have left the normal form: set when a coh or a
   * vrNew grows or memory gets a new message, cleared by normalise(). A step that sets none of
   * them keeps its (normal) source's messages, timestamps and readers, so normalise() has
   * nothing to do. A successor dropped part way may leave it set: one normalisation too many.
   */
  dirty = 0;
  private readonly saved: number[] = [];
  /**
   * Inside an atomic block that touches shared memory: the slots it read (rd), stored (st)
   * and the locals it wrote (lc), each a list of the first `n` entries of its array.
   */
  private readonly marks = { st: new Marks(), rd: new Marks(), lc: new Marks() };

  private readonly K: number;
  private readonly L: number;
  private readonly MEM: number;
  private readonly MS: number;
  private readonly emptyLoc: number;
  private readonly emptyVal: number;
  private readonly locIndex: Int32Array;
  private readonly inst: readonly (readonly [number, number, number, number, number, number])[];
  private readonly timestamps: Int32Array;
  private readonly views: Int32Array;
  /** Per instance: its coh slot and its views slot (from `inst`, flat for the normal form). */
  private readonly cohAt: Int32Array;
  private readonly viewsAt: Int32Array;
  /** The normal form's scratch: per timestamp value, whether it is used, then its new number. */
  private rank: Int32Array;

  constructor(
    d: ArmRuntimeData,
    private readonly choices: Choices,
  ) {
    this.K = d.size;
    this.L = d.locations.length;
    this.MEM = d.memory;
    this.MS = d.stride;
    this.emptyLoc = d.emptyLoc;
    this.emptyVal = d.emptyVal;
    this.locIndex = new Int32Array(d.width).fill(-1);
    d.locations.forEach((slot, li) => (this.locIndex[slot] = li));
    this.inst = d.instances;
    this.timestamps = Int32Array.from(d.timestampSlots);
    this.views = Int32Array.from(d.viewSlots);
    this.cohAt = Int32Array.from(d.instances, (x) => x[2]);
    this.viewsAt = Int32Array.from(d.instances, (x) => x[3]);
    this.rank = new Int32Array(d.timestampSlots.length + 3);
  }

  /** Before an address is computed: save the view so far and start the address's own. */
  enter(): number {
    this.saved.push(this.w);
    this.w = 0;
    return 0;
  }

  resetMarks(): void {
    this.marks.st.n = 0;
    this.marks.rd.n = 0;
    this.marks.lc.n = 0;
  }

  /** A local scalar read: its value, and its view joins the expression's. */
  lr(a: Int32Array, b: number, at: number, d: number): number {
    const v = a[b + at + d];
    if (v > this.w) this.w = v;
    return a[b + at];
  }

  /** The timestamp of message j of the location whose memory record is at m (j === n: current). */
  private tsOf(a: Int32Array, m: number, n: number, j: number): number {
    return j === n ? a[m] : a[m + 3 + 2 * j];
  }

  private maxTs(a: Int32Array, b: number): number {
    let t = 0;
    for (let li = 0; li < this.L; li++) {
      const x = a[b + this.MEM + li * this.MS];
      if (x > t) t = x;
    }
    return t;
  }

  /** Load of the shared scalar at `slot` (after enter() and the address: `w` is its view). */
  ld(a: Int32Array, b: number, i: number, slot: number, acq: number): number {
    const va = this.w;
    this.w = this.saved.pop()!;
    const I = this.inst[i];
    const C = I[0],
      E = I[1],
      H = I[2],
      V = I[3];
    let vpre = mx(va, a[b + V + VR_NEW]);
    if (acq) vpre = mx(vpre, a[b + V + V_REL]);
    const li = this.locIndex[slot];
    let val = 0;
    let vpost = -1;
    this.cur = 0;
    for (let k = a[b + C] - 1; k >= 0; k--) {
      const e = b + E + 4 * k;
      if (a[e] === slot) {
        val = a[e + 1];
        vpost = mx(vpre, a[e + 2]);
        break;
      }
    }
    if (vpost < 0) {
      const m = b + this.MEM + li * this.MS;
      const n = a[m + 1];
      const F = mx(vpre, a[b + H + li]);
      let lo = n;
      while (lo > 0 && this.tsOf(a, m, n, lo) > F) lo--;
      const j = lo === n ? n : lo + this.choices.choose(n - lo + 1);
      this.cur = j === n ? 1 : 0;
      val = j === n ? a[b + slot] : a[m + 2 + 2 * j];
      vpost = mx(vpre, this.tsOf(a, m, n, j));
    }
    if (vpost > a[b + H + li]) {
      a[b + H + li] = vpost;
      this.dirty = 1;
    }
    a[b + V + VR_OLD] = mx(a[b + V + VR_OLD], vpost);
    a[b + V + V_CAP] = mx(a[b + V + V_CAP], va);
    if (acq && vpost > a[b + V + VR_NEW]) {
      a[b + V + VR_NEW] = vpost;
      this.dirty = 1;
    }
    if (vpost > this.w) this.w = vpost;
    return val;
  }

  /** A pending store: (slot, value, va | vd, flags) at the end of instance i's buffer. */
  sb(a: Int32Array, b: number, i: number, slot: number, val: number, va: number, vd: number, rel: number): void {
    const I = this.inst[i];
    const C = I[0],
      E = I[1],
      V = I[3];
    const c = a[b + C];
    const e = b + E + 4 * c;
    a[e] = slot;
    a[e + 1] = val;
    a[e + 2] = mx(va, vd);
    a[e + 3] = rel ? RELEASE : 0;
    a[b + C] = c + 1;
    a[b + V + V_CAP] = mx(a[b + V + V_CAP], va);
  }

  /** No release store of instance i is pending (an acquire load waits for that). */
  noRelease(a: Int32Array, b: number, i: number): boolean {
    const I = this.inst[i];
    const C = I[0],
      E = I[1];
    for (let k = a[b + C] - 1; k >= 0; k--) if (a[b + E + 4 * k + 3] & RELEASE) return false;
    return true;
  }

  /** Whether pending store k of instance i may reach memory now. */
  eligible(a: Int32Array, b: number, i: number, k: number): boolean {
    const E = this.inst[i][1];
    const slot = a[b + E + 4 * k];
    if (a[b + E + 4 * k + 3] & RELEASE && k > 0) return false;
    for (let j = 0; j < k; j++) if (a[b + E + 4 * j] === slot || a[b + E + 4 * j + 3] & BARRIER_AFTER) return false;
    return !this.exElse(a, b, i, slot);
  }

  /** Whether an instance other than i holds a pending exclusive store to `slot`. */
  exElse(a: Int32Array, b: number, i: number, slot: number): boolean {
    for (let j = 0; j < this.inst.length; j++) {
      if (j === i) continue;
      const C = this.inst[j][0],
        E = this.inst[j][1];
      for (let k = a[b + C] - 1; k >= 0; k--) if (a[b + E + 4 * k] === slot && a[b + E + 4 * k + 3] & EXCLUSIVE) return true;
    }
    return false;
  }

  /** Whether instance i has a pending store to `slot`. */
  own(a: Int32Array, b: number, i: number, slot: number): boolean {
    const C = this.inst[i][0],
      E = this.inst[i][1];
    for (let k = a[b + C] - 1; k >= 0; k--) if (a[b + E + 4 * k] === slot) return true;
    return false;
  }

  /** O3's conditions before anything is evaluated: room, no barrier pending, release: empty, acquire: no release pending. */
  o3Ready(a: Int32Array, b: number, i: number, order: number): boolean {
    const C = this.inst[i][0],
      E = this.inst[i][1];
    const c = a[b + C];
    if (c >= this.inst[i][5]) return false;
    if (order === ORDER_CODE.release && c > 0) return false;
    for (let k = 0; k < c; k++) {
      const f = a[b + E + 4 * k + 3];
      if (f & BARRIER_AFTER) return false;
      if (order === ORDER_CODE.acquire && f & RELEASE) return false;
    }
    return true;
  }

  /** The stores of an ordered atomic block so far: whether one is to a location another instance holds exclusively. */
  exStored(a: Int32Array, b: number, i: number): boolean {
    const st = this.marks.st;
    for (let k = 0; k < st.n; k++) if (this.exElse(a, b, i, st.at[k])) return true;
    return false;
  }

  /**
   * O3's read: the current message of `slot`, as a load (an acquire one when `acq`) with
   * address view va. Returns the value; `rv` is its view.
   */
  rmwx(a: Int32Array, b: number, i: number, slot: number, va: number, acq: number): number {
    const I = this.inst[i];
    const H = I[2],
      V = I[3];
    const li = this.locIndex[slot];
    let vpre = mx(va, a[b + V + VR_NEW]);
    if (acq) vpre = mx(vpre, a[b + V + V_REL]);
    const vpost = mx(vpre, a[b + this.MEM + li * this.MS]);
    if (vpost > a[b + H + li]) {
      a[b + H + li] = vpost;
      this.dirty = 1;
    }
    a[b + V + VR_OLD] = mx(a[b + V + VR_OLD], vpost);
    a[b + V + V_CAP] = mx(a[b + V + V_CAP], va);
    if (acq && vpost > a[b + V + VR_NEW]) {
      a[b + V + VR_NEW] = vpost;
      this.dirty = 1;
    }
    this.rv = vpost;
    return a[b + slot];
  }

  /** O3's write: an exclusive pending store (released for `_release`) at the end of the buffer. */
  sbx(a: Int32Array, b: number, i: number, slot: number, val: number, view: number, rel: number): void {
    const I = this.inst[i];
    const C = I[0],
      E = I[1];
    const c = a[b + C];
    const e = b + E + 4 * c;
    a[e] = slot;
    a[e + 1] = val;
    a[e + 2] = view;
    a[e + 3] = EXCLUSIVE | (rel ? RELEASE : 0);
    a[b + C] = c + 1;
  }

  /** The current message of location li becomes its newest older message. */
  private push(a: Int32Array, b: number, li: number, slot: number): void {
    const m = b + this.MEM + li * this.MS;
    const n = a[m + 1];
    a[m + 2 + 2 * n] = a[b + slot];
    a[m + 3 + 2 * n] = a[m];
    a[m + 1] = n + 1;
    this.dirty = 1;
  }

  /** Pending store k of instance i reaches memory. */
  commit(a: Int32Array, b: number, i: number, k: number): void {
    const I = this.inst[i];
    const C = I[0],
      E = I[1],
      H = I[2],
      V = I[3];
    const e = b + E + 4 * k;
    const slot = a[e];
    const val = a[e + 1];
    const flags = a[e + 3];
    const li = this.locIndex[slot];
    const t = this.maxTs(a, b) + 1;
    this.push(a, b, li, slot);
    a[b + slot] = val;
    a[b + this.MEM + li * this.MS] = t;
    a[b + H + li] = t;
    a[b + V + VW_OLD] = t;
    if (flags & RELEASE) a[b + V + V_REL] = t;
    if (flags & BARRIER_AFTER && k > 0) a[e - 4 + 3] |= BARRIER_AFTER;
    const c = a[b + C];
    for (let j = k; j + 1 < c; j++) {
      const f = b + E + 4 * j;
      a[f] = a[f + 4];
      a[f + 1] = a[f + 5];
      a[f + 2] = a[f + 6];
      a[f + 3] = a[f + 7];
    }
    const l = b + E + 4 * (c - 1);
    a[l] = this.emptyLoc;
    a[l + 1] = this.emptyVal;
    a[l + 2] = 0;
    a[l + 3] = 0;
    a[b + C] = c - 1;
  }

  /** After a renaming: buffer entries and older messages not in use hold their fixed values again. */
  tidy(a: Int32Array, b: number): void {
    for (const I of this.inst) {
      for (let k = a[b + I[0]]; k < I[5]; k++) {
        const e = b + I[1] + 4 * k;
        a[e] = this.emptyLoc;
        a[e + 1] = this.emptyVal;
        a[e + 2] = 0;
        a[e + 3] = 0;
      }
    }
    for (let li = 0; li < this.L; li++) {
      const m = b + this.MEM + li * this.MS;
      for (let j = a[m + 1]; j <= this.K; j++) {
        a[m + 2 + 2 * j] = this.emptyVal;
        a[m + 3 + 2 * j] = 0;
      }
    }
  }

  /** smp_wmb(): a barrier after the newest pending store. */
  wmb(a: Int32Array, b: number, i: number): void {
    const I = this.inst[i];
    const C = I[0],
      E = I[1];
    const c = a[b + C];
    if (c > 0) a[b + E + 4 * (c - 1) + 3] |= BARRIER_AFTER;
  }

  rmb(a: Int32Array, b: number, i: number): void {
    const V = this.inst[i][3];
    this.raiseVrNew(a, b + V, a[b + V + VR_OLD]);
  }

  /** vrNew of the views at a[v..] becomes at least x. */
  private raiseVrNew(a: Int32Array, v: number, x: number): void {
    if (x > a[v + VR_NEW]) {
      a[v + VR_NEW] = x;
      this.dirty = 1;
    }
  }

  /** smp_mb() and dsb() (which also wait for an empty buffer). */
  mb(a: Int32Array, b: number, i: number): void {
    const V = this.inst[i][3];
    this.raiseVrNew(a, b + V, mx(a[b + V + VR_OLD], a[b + V + VW_OLD]));
  }

  isb(a: Int32Array, b: number, i: number): void {
    const V = this.inst[i][3];
    this.raiseVrNew(a, b + V, a[b + V + V_CAP]);
  }

  /** After a step that touches ghost state: the step observes all of memory. */
  ghostSync(a: Int32Array, b: number, i: number): void {
    const V = this.inst[i][3];
    this.raiseVrNew(a, b + V, this.maxTs(a, b));
  }

  /** A condition or an await was decided on values of view `w`: control depends on them. */
  cap(a: Int32Array, b: number, i: number): void {
    const V = this.inst[i][3];
    a[b + V + V_CAP] = mx(a[b + V + V_CAP], this.w);
  }

  /**
   * A fully ordered read-modify-write of `slot`: the old value is the current one; `store`
   * says whether nv is written. Returns the view of the result.
   */
  rmw(a: Int32Array, b: number, i: number, slot: number, store: number, nv: number, va: number, vd: number): number {
    const I = this.inst[i];
    const H = I[2],
      V = I[3];
    const li = this.locIndex[slot];
    const m = b + this.MEM + li * this.MS;
    let t = a[m];
    if (store) {
      t = this.maxTs(a, b) + 1;
      this.push(a, b, li, slot);
      a[b + slot] = nv;
      a[m] = t;
    }
    let v = mx(mx(a[b + V + VR_OLD], a[b + V + VW_OLD]), mx(a[b + V + VR_NEW], a[b + V + V_CAP]));
    v = mx(mx(v, a[b + V + V_REL]), mx(mx(va, vd), t));
    a[b + V + VR_OLD] = v;
    a[b + V + VR_NEW] = v;
    a[b + H + li] = v;
    if (store) a[b + V + VW_OLD] = v;
    this.dirty = 1;
    return v;
  }

  /** A fully ordered RMW of a local or ghost location: returns the view of the result. */
  rmwLocal(a: Int32Array, b: number, i: number, va: number, vd: number): number {
    const V = this.inst[i][3];
    let v = mx(mx(a[b + V + VR_OLD], a[b + V + VW_OLD]), mx(a[b + V + VR_NEW], a[b + V + V_CAP]));
    v = mx(mx(v, a[b + V + V_REL]), mx(va, vd));
    a[b + V + VR_OLD] = v;
    if (v > a[b + V + VR_NEW]) {
      a[b + V + VR_NEW] = v;
      this.dirty = 1;
    }
    return v;
  }

  /** A read of a ghost location or of another process's local: view 0, whatever the index. */
  ghostRead(a: Int32Array, b: number, at: number): number {
    this.w = this.saved.pop()!;
    return a[b + at];
  }

  /** In an atomic block that mentions shared memory: a read of the current message, marked. */
  read(a: Int32Array, b: number, slot: number): number {
    this.marks.rd.push(slot);
    return a[b + slot];
  }

  /** ... a store to shared memory, marked. */
  stored(slot: number): void {
    this.marks.st.push(slot);
  }

  /** ... a write of a local, marked. */
  wroteLocal(at: number): void {
    this.marks.lc.push(at);
  }

  /**
   * The end of such a block: it is fully ordered, and every store it made is one new message
   * at one new timestamp. The source state s[so..] still holds the messages it started from.
   */
  atomicEnd(a: Int32Array, b: number, s: Int32Array, so: number, i: number): void {
    const I = this.inst[i];
    const H = I[2],
      V = I[3],
      D = I[4];
    const T = this.maxTs(a, b);
    const st = this.marks.st;
    const stored = st.n > 0;
    for (let k = 0; k < st.n; k++) {
      const slot = st.at[k];
      if (st.before(slot, k)) continue; // stored twice: one new message
      const li = this.locIndex[slot];
      const m = b + this.MEM + li * this.MS;
      const n = a[m + 1];
      a[m + 2 + 2 * n] = s[so + slot];
      a[m + 3 + 2 * n] = a[m];
      a[m + 1] = n + 1;
      a[m] = T + 1;
    }
    const v = stored ? T + 1 : T;
    // New messages, a changed vrNew or a grown coh may take the state out of the normal form.
    let moved = stored || a[b + V + VR_NEW] !== v;
    a[b + V + VR_OLD] = v;
    a[b + V + VR_NEW] = v;
    if (stored) a[b + V + VW_OLD] = v;
    const rd = this.marks.rd;
    for (let k = 0; k < rd.n; k++) {
      const h = b + H + this.locIndex[rd.at[k]];
      if (v > a[h]) {
        a[h] = v;
        moved = true;
      }
    }
    for (let k = 0; k < st.n; k++) {
      const li = this.locIndex[st.at[k]];
      a[b + H + li] = mx(a[b + H + li], v);
    }
    const lc = this.marks.lc;
    for (let k = 0; k < lc.n; k++) a[b + lc.at[k] + D] = v;
    if (moved) this.dirty = 1;
  }

  /**
   * The end of every step and commit: the normal form, when the successor may have left it
   * (`dirty`); otherwise it is still its source's, which was normal.
   */
  settle(a: Int32Array, b: number): void {
    if (this.dirty !== 0) this.normalForm(a, b, false);
  }

  /**
   * The normal form (docs/memory-models.md): drop older messages nobody can read, keep at most
   * K of them per location, renumber timestamps densely.
   */
  normalise(a: Int32Array, b: number): void {
    this.normalForm(a, b, true);
  }

  /**
   * The normal form. With `renumber` false the timestamps are renumbered only when a message
   * was dropped: the source of a step was normal (its timestamps dense), and a step adds at
   * most one new timestamp, one above all others, so only a dropped message leaves a gap.
   */
  private normalForm(a: Int32Array, b: number, renumber: boolean): void {
    this.dirty = 0;
    let dropped = renumber;
    const K = this.K;
    const cohAt = this.cohAt;
    const viewsAt = this.viewsAt;
    const NI = cohAt.length;
    for (let li = 0; li < this.L; li++) {
      const m = b + this.MEM + li * this.MS;
      const n = a[m + 1];
      if (n === 0) continue;
      // The oldest message anyone can read: timestamps grow with j, so the reader with the
      // lowest max(coh, vrNew) decides it.
      let F = 0x7fffffff;
      for (let i = 0; i < NI; i++) {
        const f = mx(a[b + cohAt[i] + li], a[b + viewsAt[i] + VR_NEW]);
        if (f < F) F = f;
      }
      let minj = n;
      while (minj > 0 && (minj === n ? a[m] : a[m + 3 + 2 * minj]) > F) minj--;
      let drop = minj;
      if (n - drop > K) drop = n - K;
      if (drop === 0) continue;
      dropped = true;
      const left = n - drop;
      for (let j = 0; j < left; j++) {
        a[m + 2 + 2 * j] = a[m + 2 + 2 * (j + drop)];
        a[m + 3 + 2 * j] = a[m + 3 + 2 * (j + drop)];
      }
      for (let j = left; j <= K; j++) {
        a[m + 2 + 2 * j] = this.emptyVal;
        a[m + 3 + 2 * j] = 0;
      }
      a[m + 1] = left;
      if (drop > minj) {
        const oldest = left > 0 ? a[m + 3] : a[m];
        for (let i = 0; i < NI; i++) {
          const h = b + cohAt[i] + li;
          if (a[h] < oldest) a[h] = oldest;
        }
      }
    }
    // Renumber: a timestamp or view v becomes the number of timestamps in use that are <= v.
    // rank[t] is first 1 for each timestamp t in use, then the running count.
    if (!dropped) return;
    const ts = this.timestamps;
    let max = 0;
    for (let k = 0; k < ts.length; k++) {
      const t = a[b + ts[k]];
      if (t > max) max = t;
    }
    if (max >= this.rank.length) this.rank = new Int32Array(2 * max + 1);
    const rank = this.rank;
    for (let k = 0; k < ts.length; k++) rank[a[b + ts[k]]] = 1;
    let d = 0;
    for (let v = 1; v <= max; v++) {
      d += rank[v];
      rank[v] = d;
    }
    rank[0] = 0;
    if (d !== max) {
      const vs = this.views;
      for (let k = 0; k < vs.length; k++) {
        const at = b + vs[k];
        const v = a[at];
        if (v !== 0) a[at] = v > max ? d : rank[v];
      }
    }
    rank.fill(0, 1, max + 1);
  }
}

/** A list of slots that grows as needed and is emptied by setting `n` to 0. */
class Marks {
  at = new Int32Array(16);
  n = 0;
  push(slot: number): void {
    if (this.n === this.at.length) {
      const at = new Int32Array(2 * this.n);
      at.set(this.at);
      this.at = at;
    }
    this.at[this.n++] = slot;
  }
  /** Whether `slot` is among the first k entries. */
  before(slot: number, k: number): boolean {
    for (let j = 0; j < k; j++) if (this.at[j] === slot) return true;
    return false;
  }
}
