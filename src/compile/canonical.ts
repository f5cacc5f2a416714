// Symmetry reduction, the run-time half: replaces a state by the canonical member of its
// orbit, the least (lexicographically, slot by slot) of its renamings among those that put
// the values of each symmetric type in the order of their signatures. A signature (what
// belongs to a value alone: its process instance's pc and locals, its elements of arrays
// indexed by the type, which global locations hold it, how many other slots hold it) is
// carried along by every renaming, so the set of renamings tried is the same for every member
// of an orbit and so is the least result: the canonical form is a function of the orbit, and
// the engine counts orbits exactly (Ip and Dill's scalarsets, made exact by trying every order
// of values whose signatures tie). A type that only indexes (nothing holds its values, and
// its signatures cover every slot that moves with a value) needs no ties tried: tied values
// are alike in every slot. This runs for every successor: it allocates nothing.
import type { SymmetryPlan } from './symmetry.ts';

export class Canonicalizer {
  private readonly W: number;
  private readonly T: number;
  private readonly best: Int32Array;
  private readonly cand: Int32Array;
  private readonly map: Int32Array; // slot -> slot, for the renaming being tried
  /** Slots that may move, and slots whose values a renaming rewrites. */
  private readonly moving: Int32Array;
  private readonly rewritten: Int32Array;
  /** Per type: the renaming being tried (value index -> value index). */
  private readonly perm: Int32Array[];
  /** Per type: the values in signature order, and the tie groups in it (pairs lo, hi). */
  private readonly order: Int32Array[];
  private readonly groups: Int32Array[];
  private readonly groupCount: Int32Array;
  /** Per type: the signature of each value, `sigLen` numbers each. */
  private readonly sig: Int32Array[];
  private readonly sigLen: Int32Array;
  /** Per type: global slots with no coordinate that hold values of the type (who holds k). */
  private readonly holders: Int32Array[];
  /** Per type and tie group: Heap's algorithm's counters. */
  private readonly heap: Int32Array[];
  /** Per type: the model's moving slots that hold values of the type (their count is in the signature). */
  private readonly counted: Int32Array[];
  /** Per type: each value's signature as one number, when it fits in 52 bits (else null). */
  private readonly key: (Float64Array | null)[];
  private readonly keyScale: (Float64Array | null)[];
  /**
   * Per type: whether its signatures say everything about its values: every slot that moves
   * with a value is in the value's signature, and no slot holds a value of the type or a slot
   * number. Values whose signatures tie are then alike in every slot, so every order of a tie
   * gives the same state, and one order is tried instead of all.
   */
  private readonly whole: Uint8Array;
  /** Every type is whole: a renaming only moves signatures' slots (permuteOwned). */
  private readonly allWhole: boolean;
  private readonly scratch: Int32Array;
  /** Per type: the owned slots of value k at [k * ownLen, (k + 1) * ownLen). */
  private readonly ownFlat: Int32Array[];
  private readonly ownLen: Int32Array;
  private found = false;

  constructor(
    private readonly plan: SymmetryPlan,
    private readonly tidy?: (s: Int32Array, so: number) => void,
  ) {
    const W = plan.width;
    this.W = W;
    this.T = plan.types.length;
    this.best = new Int32Array(W);
    this.cand = new Int32Array(W);
    this.map = new Int32Array(W);
    const moving: number[] = [];
    for (let x = 0; x < W; x++) {
      this.map[x] = x;
      if (plan.coordStart.some((start) => start[x + 1] > start[x])) moving.push(x);
    }
    this.moving = Int32Array.from(moving);
    const rewritten: number[] = [];
    for (let x = 0; x < W; x++) if (plan.valueKind[x] !== 0) rewritten.push(x);
    this.rewritten = Int32Array.from(rewritten);
    this.perm = plan.types.map((t) => new Int32Array(t.n));
    this.order = plan.types.map((t) => new Int32Array(t.n));
    this.groups = plan.types.map((t) => new Int32Array(t.n + 1));
    this.groupCount = new Int32Array(this.T);
    this.holders = plan.types.map((_, t) => {
      const out: number[] = [];
      for (let x = 0; x < W; x++) if (plan.modelSlot[x] && plan.valueKind[x] === 1 && plan.valueType[x] === t && !moving.includes(x)) out.push(x);
      return Int32Array.from(out);
    });
    this.counted = plan.types.map((_, t) => this.moving.filter((x) => plan.modelSlot[x] === 1 && plan.valueKind[x] === 1 && plan.valueType[x] === t));
    this.sigLen = Int32Array.from(plan.types, (_, t) => plan.owned[t][0].length + this.holders[t].length + 1);
    this.sig = plan.types.map((ty, t) => new Int32Array(ty.n * this.sigLen[t]));
    this.heap = plan.types.map((t) => new Int32Array(t.n * (t.n + 1)));
    // A signature's fields are small (a pc, a local, a flag, a count): when the product of
    // their ranges fits in 52 bits, one number per value orders the values as the fields do.
    this.keyScale = plan.types.map((_, t) => {
      const spans = [...plan.owned[t][0]].map((x) => plan.span[x]);
      for (let j = 0; j < this.holders[t].length; j++) spans.push(2);
      spans.push(W + 1); // the count
      let total = 1;
      for (const sp of spans) total *= sp;
      if (total >= 2 ** 52) return null;
      const scale = new Float64Array(spans.length);
      let m = 1;
      for (let j = spans.length - 1; j >= 0; j--) {
        scale[j] = m;
        m *= spans[j];
      }
      return scale;
    });
    this.key = plan.types.map((ty, t) => (this.keyScale[t] ? new Float64Array(ty.n) : null));
    const inSignature = plan.owned.map((own) => new Set(own.flatMap((o) => [...o])));
    const coordinates = (x: number) => plan.coordStart.map((start) => start[x + 1] - start[x]);
    const slotNumbers = plan.valueKind.some((k) => k === 2 || k === 3);
    this.whole = Uint8Array.from(plan.types, (_, t) => {
      if (slotNumbers) return 0;
      for (let x = 0; x < W; x++) {
        if (plan.valueKind[x] === 1 && plan.valueType[x] === t) return 0;
        const cs = coordinates(x);
        if (cs[t] > 0 && (cs.reduce((a, b) => a + b, 0) !== 1 || !inSignature[t].has(x))) return 0;
      }
      return 1;
    });
    this.allWhole = this.whole.every((w) => w === 1);
    this.ownLen = Int32Array.from(plan.owned, (own) => own[0].length);
    this.ownFlat = plan.owned.map((own) => Int32Array.from(own.flatMap((o) => [...o])));
    this.scratch = new Int32Array(Math.max(0, ...plan.types.map((ty, t) => ty.n * plan.owned[t][0].length)));
  }

  /**
   * The current renaming, in place, when every type is whole: then the slots that move are
   * exactly the signatures' slots, and nothing holds a value of a symmetric type.
   */
  private permuteOwned(s: Int32Array, so: number): void {
    const tmp = this.scratch;
    for (let t = 0; t < this.T; t++) {
      const flat = this.ownFlat[t];
      const len = this.ownLen[t];
      const perm = this.perm[t];
      const n = perm.length;
      // Only the values that move are copied (a successor usually moves one or two).
      for (let k = 0; k < n; k++) {
        if (perm[k] === k) continue;
        const b = k * len;
        for (let j = 0; j < len; j++) tmp[b + j] = s[so + flat[b + j]];
      }
      for (let k = 0; k < n; k++) {
        const to = perm[k];
        if (to === k) continue;
        const b = k * len;
        const bt = to * len;
        for (let j = 0; j < len; j++) s[so + flat[bt + j]] = tmp[b + j];
      }
    }
  }

  /** Replaces the state at s[so..] by the canonical member of its orbit. */
  canonicalize(s: Int32Array, so: number): void {
    let ties = 0;
    for (let t = 0; t < this.T; t++) {
      if (this.whole[t]) this.sortOwned(s, so, t);
      else if (this.key[t]) this.sortByKey(s, so, t);
      else this.sortBySignature(s, so, t);
      ties += this.groupCount[t];
    }
    if (ties === 0) {
      // One renaming sorts the signatures: apply it, nothing to compare. When it renames
      // nothing (a successor that kept its values in order), the state is already canonical.
      let identity = true;
      for (let t = 0; t < this.T; t++) {
        const order = this.order[t];
        const perm = this.perm[t];
        for (let r = 0; r < order.length; r++) {
          perm[order[r]] = r;
          if (order[r] !== r) identity = false;
        }
      }
      if (identity) return;
      if (this.allWhole) return this.permuteOwned(s, so);
      this.apply(s, so);
      s.set(this.cand, so);
      return;
    }
    this.found = false;
    this.enumerate(s, so, 0, 0);
    s.set(this.best, so);
  }

  /** Type t's values in signature order, and the groups of values that tie. */
  private sortBySignature(s: Int32Array, so: number, t: number): void {
    const { owned, types, valueKind, valueType } = this.plan;
    const n = types[t].n;
    const lo = types[t].lo;
    const len = this.sigLen[t];
    const sig = this.sig[t];
    const holders = this.holders[t];
    const own = owned[t];
    for (let k = 0; k < n; k++) {
      const o = own[k];
      let at = k * len;
      for (let j = 0; j < o.length; j++) sig[at++] = s[so + o[j]];
      for (let j = 0; j < holders.length; j++) sig[at++] = s[so + holders[j]] === k + lo ? 1 : 0;
      sig[at] = 0;
    }
    // How many of the model's slots that move (other instances' locals, array elements) hold
    // each value. (The memory model's slots are left out: those not in use hold fixed values.)
    const moving = this.moving;
    const modelSlot = this.plan.modelSlot;
    for (let j = 0; j < moving.length; j++) {
      const x = moving[j];
      if (modelSlot[x] && valueKind[x] === 1 && valueType[x] === t) sig[(s[so + x] - lo) * len + len - 1]++;
    }
    const order = this.order[t];
    for (let k = 0; k < n; k++) order[k] = k;
    for (let i = 1; i < n; i++) {
      const x = order[i];
      let j = i - 1;
      while (j >= 0 && this.compare(t, order[j], x) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = x;
    }
    const groups = this.groups[t];
    let g = 0;
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && this.compare(t, order[i], order[j]) === 0) j++;
      if (j - i > 1) {
        groups[2 * g] = i;
        groups[2 * g + 1] = j;
        g++;
      }
      i = j;
    }
    this.groupCount[t] = g;
  }

  /**
   * A whole type's values in signature order, comparing their slots in the state itself (a
   * successor's values are mostly in order already, so this is a few comparisons). Ties need
   * no groups: every order of them gives the same state.
   */
  private sortOwned(s: Int32Array, so: number, t: number): void {
    const flat = this.ownFlat[t];
    const len = this.ownLen[t];
    const order = this.order[t];
    const n = order.length;
    for (let k = 0; k < n; k++) order[k] = k;
    for (let i = 1; i < n; i++) {
      const x = order[i];
      const bx = x * len;
      let j = i - 1;
      for (; j >= 0; j--) {
        const bj = order[j] * len;
        let d = 0;
        for (let f = 0; f < len && d === 0; f++) d = s[so + flat[bj + f]] - s[so + flat[bx + f]];
        if (d <= 0) break;
        order[j + 1] = order[j];
      }
      order[j + 1] = x;
    }
    this.groupCount[t] = 0;
  }

  /** The same order as the signatures', on one number per value (each field offset by its low end). */
  private sortByKey(s: Int32Array, so: number, t: number): void {
    const n = this.plan.types[t].n;
    const lo = this.plan.types[t].lo;
    const key = this.key[t]!;
    const scale = this.keyScale[t]!;
    const low = this.plan.low;
    const owned = this.plan.owned[t];
    const nOwn = owned[0].length;
    const holders = this.holders[t];
    for (let k = 0; k < n; k++) {
      const own = owned[k];
      let v = 0;
      for (let j = 0; j < nOwn; j++) v += (s[so + own[j]] - low[own[j]]) * scale[j];
      for (let j = 0; j < holders.length; j++) if (s[so + holders[j]] === k + lo) v += scale[nOwn + j];
      key[k] = v;
    }
    const counted = this.counted[t];
    for (let j = 0; j < counted.length; j++) key[s[so + counted[j]] - lo] += 1; // the count's scale is 1
    const order = this.order[t];
    for (let k = 0; k < n; k++) order[k] = k;
    for (let i = 1; i < n; i++) {
      const x = order[i];
      const kx = key[x];
      let j = i - 1;
      while (j >= 0 && key[order[j]] > kx) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = x;
    }
    const groups = this.groups[t];
    let g = 0;
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && key[order[i]] === key[order[j]]) j++;
      if (j - i > 1) {
        groups[2 * g] = i;
        groups[2 * g + 1] = j;
        g++;
      }
      i = j;
    }
    this.groupCount[t] = g;
  }

  private compare(t: number, a: number, b: number): number {
    const len = this.sigLen[t];
    const sig = this.sig[t];
    for (let j = 0; j < len; j++) {
      const d = sig[a * len + j] - sig[b * len + j];
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Every renaming consistent with the signature order: type after type, tie group after tie group. */
  private enumerate(s: Int32Array, so: number, t: number, g: number): void {
    if (t === this.T) return this.consider(s, so);
    if (g === this.groupCount[t]) {
      // The value at position r of the order becomes value r.
      const order = this.order[t];
      const perm = this.perm[t];
      for (let r = 0; r < order.length; r++) perm[order[r]] = r;
      return this.enumerate(s, so, t + 1, 0);
    }
    // Every order of the tie group (Heap's algorithm), the order restored afterwards.
    const a = this.order[t];
    const lo = this.groups[t][2 * g];
    const n = this.groups[t][2 * g + 1] - lo;
    const c = this.heap[t];
    const base = g * (a.length + 1);
    for (let i = 0; i < n; i++) c[base + i] = 0;
    this.enumerate(s, so, t, g + 1);
    let i = 1;
    while (i < n) {
      if (c[base + i] < i) {
        const j = i % 2 === 0 ? lo : lo + c[base + i];
        const x = a[j];
        a[j] = a[lo + i];
        a[lo + i] = x;
        this.enumerate(s, so, t, g + 1);
        c[base + i]++;
        i = 1;
      } else {
        c[base + i] = 0;
        i++;
      }
    }
    // Heap's algorithm leaves the group permuted: sort it back (its values are distinct).
    for (let p = lo + 1; p < lo + n; p++) {
      const x = a[p];
      let q = p - 1;
      while (q >= lo && a[q] > x) {
        a[q + 1] = a[q];
        q--;
      }
      a[q + 1] = x;
    }
  }

  /** Applies the current renaming to s into `cand`, and keeps it if it is the least so far. */
  private consider(s: Int32Array, so: number): void {
    this.apply(s, so);
    if (!this.found || less(this.cand, this.best)) {
      this.best.set(this.cand);
      this.found = true;
    }
  }

  /** The current renaming of s[so..], into `cand`. */
  private apply(s: Int32Array, so: number): void {
    const { types, valueKind, valueType, aux, slotValueType } = this.plan;
    const map = this.map;
    const moving = this.moving;
    if (this.T === 1) {
      // One symmetric type (the usual case): a slot has at most a few coordinates.
      const start = this.plan.coordStart[0];
      const data = this.plan.coordData[0];
      const perm = this.perm[0];
      for (let j = 0; j < moving.length; j++) {
        const x = moving[j];
        let to = x;
        for (let k = start[x]; k < start[x + 1]; k++) {
          const c = data[2 * k];
          to += (perm[c] - c) * data[2 * k + 1];
        }
        map[x] = to;
      }
    } else {
      const { coordStart, coordData } = this.plan;
      for (let j = 0; j < moving.length; j++) {
        const x = moving[j];
        let to = x;
        for (let t = 0; t < this.T; t++) {
          const start = coordStart[t];
          const data = coordData[t];
          const perm = this.perm[t];
          for (let k = start[x]; k < start[x + 1]; k++) {
            const c = data[2 * k];
            to += (perm[c] - c) * data[2 * k + 1];
          }
        }
        map[x] = to;
      }
    }
    const cand = this.cand;
    for (let x = 0; x < this.W; x++) cand[map[x]] = s[so + x];
    const rewritten = this.rewritten;
    for (let j = 0; j < rewritten.length; j++) {
      const x = rewritten[j];
      let v = s[so + x];
      switch (valueKind[x]) {
        case 1: {
          const t = valueType[x];
          v = this.perm[t][v - types[t].lo] + types[t].lo;
          break;
        }
        case 2:
          v = map[v];
          break;
        case 3: {
          const t = slotValueType[s[so + aux[x]]];
          if (t >= 0) v = this.perm[t][v - types[t].lo] + types[t].lo;
          break;
        }
      }
      cand[map[x]] = v;
    }
    this.tidy?.(cand, 0);
  }
}

function less(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
