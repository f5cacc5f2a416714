// The fixed state layout: every scalar of every location, program counter and local at a
// known slot of an Int32Array.
import * as I from '../check/ir.ts';

export interface InstanceLayout {
  readonly process: number;
  readonly name: string; // "fault[0]" or "main"
  readonly param: number | undefined;
  readonly pcSlot: number;
  readonly localSlots: readonly number[]; // first slot of each local
  /**
   * Under --memory tso: the store buffer's count slot, then K (location, value) entries.
   * Under arm: K (location, value, view, flags) entries; see ArmInstance for the rest.
   */
  readonly storeBuffer?: { readonly countSlot: number; readonly firstEntry: number; readonly size: number; readonly entrySize: number };
  readonly arm?: ArmInstance;
}

/** Under --memory arm: where an instance's views live (docs/memory-models.md). */
export interface ArmInstance {
  readonly coh: number; // first of L slots: coh[x] per shared scalar location
  readonly views: number; // vrOld, vwOld, vrNew, vCAP, vRel
  readonly localViews: number; // one view per local scalar slot, in slot order
  readonly localSlots: number; // how many local scalar slots (they follow pcSlot)
}

/**
 * Under --memory arm: memory keeps, per shared scalar location (in slot order), the current
 * message's timestamp (its value is the location's own slot), the number of older messages,
 * then K + 1 (value, timestamp) pairs for them, oldest first; the last pair is scratch space
 * that is empty in every normalised state.
 */
export interface ArmPlan {
  readonly locations: readonly number[]; // global slot of each shared scalar location
  readonly memory: number; // first slot of the memory region
  readonly stride: number; // slots per location in it: 2 + 2 * (K + 1)
  readonly maxView: number; // views and timestamps lie in 0..maxView
}

/** What a store-buffer slot holds, for showing it (`loc` is the slot index of a shared scalar). */
export type BufferSlot = 'count' | 'loc' | 'val' | 'view' | 'flags';

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
  readonly arm?: ArmPlan;
}

export interface SlotName {
  readonly name: string;
  readonly type: I.ScalarType | null;
  readonly owner: number | null;
  readonly buffer?: BufferSlot; // a store-buffer slot (type null)
  /** The range of a bookkeeping slot of the memory model (type null, not a pc). */
  readonly range?: { readonly lo: number; readonly hi: number };
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

export function buildLayout(model: I.CheckedModel, storeBuffer?: number, arm = false): StateLayout {
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
  let armPlan: ArmPlan | undefined;
  if (arm && buffers) {
    const K = buffers.size;
    const locations = buffers.shared.flatMap((x, i) => (x ? [i] : []));
    const maxView = locations.length * (K + 1);
    const memory = slot;
    const stride = 2 + 2 * (K + 1);
    for (const at of locations) {
      const name = slotNames[at].name;
      slotNames.push({ name: `${name}.ts`, type: null, owner: null, range: { lo: 0, hi: maxView } });
      slotNames.push({ name: `${name}.older`, type: null, owner: null, range: { lo: 0, hi: K } });
      for (let k = 0; k <= K; k++) {
        const scratch = k === K;
        slotNames.push({ name: `${name}.older[${k}].val`, type: null, owner: null, range: scratch ? { lo: buffers.val.lo, hi: buffers.val.lo } : buffers.val });
        slotNames.push({ name: `${name}.older[${k}].ts`, type: null, owner: null, range: { lo: 0, hi: scratch ? 0 : maxView } });
      }
      slot += stride;
    }
    armPlan = { locations, memory, stride, maxView };
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
      let armInst: ArmInstance | undefined;
      if (buffers) {
        const countSlot = slot++;
        slotNames.push({ name: `${name}.sb.count`, type: null, owner, buffer: 'count' });
        const firstEntry = slot;
        for (let k = 0; k < buffers.size; k++) {
          slotNames.push({ name: `${name}.sb[${k}].loc`, type: null, owner, buffer: 'loc' });
          slotNames.push({ name: `${name}.sb[${k}].val`, type: null, owner, buffer: 'val' });
          slot += 2;
          if (armPlan) {
            slotNames.push({ name: `${name}.sb[${k}].view`, type: null, owner, buffer: 'view' });
            slotNames.push({ name: `${name}.sb[${k}].flags`, type: null, owner, buffer: 'flags' });
            slot += 2;
          }
        }
        sb = { countSlot, firstEntry, size: buffers.size, entrySize: armPlan ? 4 : 2 };
      }
      if (armPlan) {
        const views = (what: string, n: number) => {
          const first = slot;
          for (let k = 0; k < n; k++) slotNames.push({ name: `${name}.${what}${n > 1 ? `[${k}]` : ''}`, type: null, owner, range: { lo: 0, hi: armPlan!.maxView } });
          slot += n;
          return first;
        };
        const coh = views('coh', armPlan.locations.length);
        const v = ['vrOld', 'vwOld', 'vrNew', 'vCAP', 'vRel'].map((w) => views(w, 1))[0];
        const nLocal = localSlotCount(p.locals);
        const localViews = views('view', nLocal);
        armInst = { coh, views: v, localViews, localSlots: nLocal };
      }
      instances.push({ process: pi, name, param, pcSlot, localSlots, ...(sb ? { storeBuffer: sb } : {}), ...(armInst ? { arm: armInst } : {}) });
    }
    const stride = params.length ? (slot - firstSlot) / params.length : 0;
    return { firstInstance, firstSlot, stride, paramLo: p.param ? I.typeFirst(p.param.type) : 0 };
  });
  return { width: slot, globalSlots, instances, processes, slotNames, ...(buffers ? { buffers } : {}), ...(armPlan ? { arm: armPlan } : {}) };
}

function localSlotCount(locals: readonly I.Local[]): number {
  return locals.reduce((n, l) => n + slotCount(l.type), 0);
}
