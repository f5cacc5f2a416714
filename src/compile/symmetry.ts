// Symmetry reduction, the compile-time half: how renaming the values of each symmetric type
// acts on a state vector (docs/language.md, "Symmetry"; docs/engine.md). A renaming moves
// slots (process instances whose parameter is of the type, elements of arrays indexed by it,
// and the memory model's slots that go with them) and rewrites values (values of the type,
// slot numbers held in store buffers, buffered values). The plan is plain data, so that a
// worker thread can rebuild the canonicaliser (canonical.ts) from it.
import * as I from '../check/ir.ts';
import type { MemoryModel } from '../memory/model.ts';
import { slotCount, type StateLayout } from './layout.ts';

export interface SymmetryPlan {
  readonly width: number;
  readonly types: readonly { readonly name: string; readonly lo: number; readonly n: number }[];
  /**
   * Per type t: the coordinates of each slot along t: slot s has pairs (value index c,
   * stride d) at coordData[t][2k], [2k+1] for k in coordStart[t][s] .. coordStart[t][s+1]-1;
   * renaming c to p(c) moves the slot by (p(c) - c) * d.
   */
  readonly coordStart: readonly Int32Array[];
  readonly coordData: readonly Int32Array[];
  /** 0: kept; 1: a value of type valueType[s]; 2: a slot number; 3: a value of the location whose number is in slot aux[s]. */
  readonly valueKind: Int8Array;
  readonly valueType: Int8Array;
  readonly aux: Int32Array;
  /** The symmetric type of the values each slot holds (-1: none), for kind 3. */
  readonly slotValueType: Int8Array;
  /** 1 for a slot of the model itself (a global, a pc, a local), 0 for the memory model's. */
  readonly modelSlot: Uint8Array;
  /** Each slot's lowest value and how many values it takes (for one-number signatures). */
  readonly low: Int32Array;
  readonly span: Float64Array;
  /**
   * Per type t and value index k: the slots whose contents belong to k alone (the same role
   * for every k, in the same order): the signature that orders k before the others.
   */
  readonly owned: readonly (readonly Int32Array[])[];
}

type Coords = [number, number, number][]; // (type, value index, stride)

export function buildSymmetry(
  model: I.CheckedModel,
  layout: StateLayout,
  memory: MemoryModel,
  ranges: readonly { lo: number; hi: number }[],
): SymmetryPlan | null {
  if (model.symmetricTypes.length === 0) return null;
  const types = model.symmetricTypes.map((t) => ({ name: t.name, lo: t.lo, n: t.hi - t.lo + 1 }));
  const typeIndex = new Map(types.map((t, i) => [t.name, i]));
  const symOf = (t: I.ScalarType | I.Type): number => (t.kind === 'int' && t.symmetric !== undefined ? typeIndex.get(t.symmetric)! : -1);
  const W = layout.width;
  const coords: Coords[] = Array.from({ length: W }, () => []);
  const own: (Coords | null)[] = Array.from({ length: W }, () => null); // coordinates without the instance's
  const valueKind = new Int8Array(W);
  const valueType = new Int8Array(W).fill(-1);
  const aux = new Int32Array(W);
  const slotValueType = new Int8Array(W).fill(-1);

  /** Walks a value of type t laid out from slot `at`, with the coordinates so far. */
  const walk = (t: I.Type, at: number, cs: Coords, extra: Coords): number => {
    if (I.isScalar(t)) {
      coords[at] = [...cs, ...extra];
      own[at] = cs;
      const s = symOf(t);
      if (s >= 0) {
        valueKind[at] = 1;
        valueType[at] = s;
        slotValueType[at] = s;
      }
      return 1;
    }
    if (t.kind === 'array') {
      const s = symOf(t.index);
      const n = slotCount(t.elem);
      const values = I.typeValues(t.index);
      values.forEach((v, k) => walk(t.elem, at + k * n, s >= 0 ? [...cs, [s, v - values[0], n]] : cs, extra));
      return values.length * n;
    }
    let size = 0;
    for (const f of t.fields) size += walk(f.type, at + size, cs, extra);
    return size;
  };

  model.globals.forEach((g, gi) => walk(g.type, layout.globalSlots[gi], [], []));
  layout.instances.forEach((inst) => {
    const p = model.processes[inst.process];
    const pt = p.param ? symOf(p.param.type) : -1;
    const proc = layout.processes[inst.process];
    const block: Coords = pt >= 0 ? [[pt, inst.param! - (p.param!.type as { lo: number }).lo, proc.stride]] : [];
    // Every slot of the instance's block moves with the instance.
    for (let s = inst.pcSlot; s < inst.pcSlot + proc.stride; s++) {
      coords[s] = [...block];
      own[s] = [];
    }
    p.locals.forEach((l, li) => walk(l.type, inst.localSlots[li], [], block));
  });
  // The memory model's own slots.
  layout.slotNames.forEach((sn, s) => {
    if (!sn.range) return;
    const r = memory.renaming(s);
    if (r.like) coords[s] = [...coords[s], ...own[r.like.slot]!.map(([t, c, d]) => [t, c, d * r.like!.scale] as [number, number, number])];
    switch (r.value.kind) {
      case 'copy':
        break;
      case 'slot':
        valueKind[s] = 2;
        break;
      case 'location':
        if (slotValueType[r.value.location] >= 0) {
          valueKind[s] = 1;
          valueType[s] = slotValueType[r.value.location];
        }
        break;
      case 'buffered':
        valueKind[s] = 3;
        aux[s] = r.value.locationIn;
        break;
    }
  });

  // A slot number that can only name slots no renaming moves is kept as it is, and so is a
  // buffered value whose location can only be one that holds no value of a symmetric type:
  // such slots are plain data (under arm, the buffers of a model whose shared locations are
  // all scalars of plain types), and the types stay whole.
  const fixedIn = (r: { lo: number; hi: number }, moves: (v: number) => boolean): boolean => {
    for (let v = r.lo; v <= r.hi; v++) if (v >= 0 && v < W && moves(v)) return false;
    return true;
  };
  for (let s = 0; s < W; s++) {
    if (valueKind[s] === 2 && fixedIn(ranges[s], (v) => coords[v].length > 0)) valueKind[s] = 0;
    else if (valueKind[s] === 3 && fixedIn(ranges[aux[s]], (v) => slotValueType[v] >= 0)) {
      valueKind[s] = 0;
      aux[s] = 0;
    }
  }

  const coordStart = types.map(() => new Int32Array(W + 1));
  const coordData = types.map((_, t) => {
    const data: number[] = [];
    for (let s = 0; s < W; s++) {
      coordStart[t][s] = data.length / 2;
      for (const [tt, c, d] of coords[s]) if (tt === t) data.push(c, d);
    }
    coordStart[t][W] = data.length / 2;
    return Int32Array.from(data);
  });

  // Signatures: slots with a single coordinate overall, kept as they are by every renaming.
  const owned = types.map((ty, t) => {
    const roles = new Map<number, number>(); // base slot (the value-0 position) -> stride
    for (let s = 0; s < W; s++) {
      const cs = coords[s];
      if (cs.length !== 1 || cs[0][0] !== t || valueKind[s] !== 0) continue;
      roles.set(s - cs[0][1] * cs[0][2], cs[0][2]);
    }
    const bases = [...roles.keys()].sort((a, b) => a - b);
    return Array.from({ length: ty.n }, (_, k) => Int32Array.from(bases, (base) => base + k * roles.get(base)!));
  });

  const modelSlot = Uint8Array.from(layout.slotNames, (sn) => (sn.range ? 0 : 1));
  const low = Int32Array.from(ranges, (r) => r.lo);
  const span = Float64Array.from(ranges, (r) => r.hi - r.lo + 1);
  return { width: W, types, coordStart, coordData, valueKind, valueType, aux, slotValueType, modelSlot, low, span, owned };
}
