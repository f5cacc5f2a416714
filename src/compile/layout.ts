// The fixed state layout: every scalar of every location, program counter and local at a
// known slot of an Int32Array.
import * as I from '../check/ir.ts';

export interface InstanceLayout {
  readonly process: number;
  readonly name: string; // "fault[0]" or "main"
  readonly param: number | undefined;
  readonly pcSlot: number;
  readonly localSlots: readonly number[]; // first slot of each local
  /** Under --memory tso: the store buffer's count slot, then K (location, value) slot pairs. */
  readonly storeBuffer?: { readonly countSlot: number; readonly firstEntry: number; readonly size: number };
}

/** What a store-buffer slot holds, for showing it (`loc` is the slot index of a shared scalar). */
export type BufferSlot = 'count' | 'loc' | 'val';

/** Under --memory tso: which slots may be buffered, and the ranges buffer entries take. */
export interface BufferPlan {
  readonly size: number; // K
  readonly shared: readonly boolean[]; // per global slot: a `shared` (not ghost) scalar
  readonly loc: { readonly lo: number; readonly hi: number };
  readonly val: { readonly lo: number; readonly hi: number };
}

export interface StateLayout {
  readonly width: number; // slots per state
  readonly globalSlots: readonly number[]; // first slot of each global
  readonly instances: readonly InstanceLayout[];
  /** First instance index and slot stride of each process, for p[i] with a computed i. */
  readonly processes: readonly { firstInstance: number; firstSlot: number; stride: number; paramLo: number }[];
  /** Every scalar slot with a readable name and its type, in slot order (pcs have type null). */
  readonly slotNames: readonly SlotName[];
  readonly buffers?: BufferPlan;
}

export interface SlotName {
  readonly name: string;
  readonly type: I.ScalarType | null;
  readonly owner: number | null;
  readonly buffer?: BufferSlot; // a store-buffer slot (type null)
}

export function slotCount(t: I.Type): number {
  if (I.isScalar(t)) return 1;
  if (t.kind === 'array') return I.typeSize(t.index) * slotCount(t.elem);
  return t.fields.reduce((n, f) => n + slotCount(f.type), 0);
}

/** Calls `f` for each scalar inside a value of type `t`, with its path suffix. */
export function eachScalar(t: I.Type, path: string, f: (path: string, type: I.ScalarType) => void): void {
  if (I.isScalar(t)) f(path, t);
  else if (t.kind === 'array') for (const v of I.typeValues(t.index)) eachScalar(t.elem, `${path}[${I.showValue(t.index, v)}]`, f);
  else for (const fl of t.fields) eachScalar(fl.type, `${path}.${fl.name}`, f);
}

export function flattenValue(v: I.Value, out: number[]): void {
  if (typeof v === 'number') out.push(v);
  else for (const x of v) flattenValue(x, out);
}

export function instanceName(p: I.Process, param: number | undefined): string {
  return param === undefined ? p.name : `${p.name}[${I.showValue(p.param!.type, param)}]`;
}

export function buildLayout(model: I.CheckedModel, storeBuffer?: number): StateLayout {
  let slot = 0;
  const slotNames: SlotName[] = [];
  const globalSlots = model.globals.map((g) => {
    const first = slot;
    eachScalar(g.type, g.name, (name, type) => {
      slotNames.push({ name, type, owner: null });
      slot++;
    });
    return first;
  });
  let buffers: BufferPlan | undefined;
  if (storeBuffer !== undefined) {
    const shared = slotNames.map(() => false);
    let lo = Infinity;
    let hi = -Infinity;
    model.globals.forEach((g, gi) => {
      if (g.ghost) return;
      let at = globalSlots[gi];
      eachScalar(g.type, g.name, (_, t) => {
        shared[at++] = true;
        lo = Math.min(lo, t.kind === 'int' ? t.lo : 0);
        hi = Math.max(hi, t.kind === 'int' ? t.hi : t.kind === 'bool' ? 1 : I.typeSize(t) - 1);
      });
    });
    const sharedSlots = shared.flatMap((x, i) => (x ? [i] : []));
    buffers = {
      size: storeBuffer,
      shared,
      loc: { lo: sharedSlots[0] ?? 0, hi: sharedSlots[sharedSlots.length - 1] ?? 0 },
      val: lo === Infinity ? { lo: 0, hi: 0 } : { lo, hi },
    };
  }
  const instances: InstanceLayout[] = [];
  const processes = model.processes.map((p, pi) => {
    const params = p.param ? I.typeValues(p.param.type) : [undefined];
    const firstInstance = instances.length;
    const firstSlot = slot;
    for (const param of params) {
      const name = instanceName(p, param);
      const owner = instances.length;
      const pcSlot = slot++;
      slotNames.push({ name: `${name}.pc`, type: null, owner });
      const localSlots = p.locals.map((l) => {
        const first = slot;
        eachScalar(l.type, `${name}.${l.name}`, (n, type) => {
          slotNames.push({ name: n, type, owner });
          slot++;
        });
        return first;
      });
      let sb: InstanceLayout['storeBuffer'];
      if (buffers) {
        const countSlot = slot++;
        slotNames.push({ name: `${name}.sb.count`, type: null, owner, buffer: 'count' });
        const firstEntry = slot;
        for (let k = 0; k < buffers.size; k++) {
          slotNames.push({ name: `${name}.sb[${k}].loc`, type: null, owner, buffer: 'loc' });
          slotNames.push({ name: `${name}.sb[${k}].val`, type: null, owner, buffer: 'val' });
          slot += 2;
        }
        sb = { countSlot, firstEntry, size: buffers.size };
      }
      instances.push({ process: pi, name, param, pcSlot, localSlots, ...(sb ? { storeBuffer: sb } : {}) });
    }
    const stride = params.length ? (slot - firstSlot) / params.length : 0;
    return { firstInstance, firstSlot, stride, paramLo: p.param ? I.typeFirst(p.param.type) : 0 };
  });
  return { width: slot, globalSlots, instances, processes, slotNames, ...(buffers ? { buffers } : {}) };
}
