// The fixed state layout: every scalar of every location, program counter and local at a
// known slot of an Int32Array, plus the slots the memory model adds (store buffers, views).
import * as I from '../check/ir.ts';
import type { MemoryModel } from '../memory/model.ts';

export interface InstanceLayout {
  readonly process: number;
  readonly name: string; // "fault[0]" or "main"
  readonly param: number | undefined;
  readonly pcSlot: number;
  readonly localSlots: readonly number[]; // first slot of each local
  readonly localScalars: number; // how many scalar slots the locals take (they follow pcSlot)
}

export interface StateLayout {
  readonly width: number; // slots per state
  readonly globalSlots: readonly number[]; // first slot of each global
  readonly instances: readonly InstanceLayout[];
  /** First instance index and slot stride of each process, for p[i] with a computed i. */
  readonly processes: readonly { firstInstance: number; firstSlot: number; stride: number; paramLo: number }[];
  /** Every scalar slot with a readable name and its type, in slot order. */
  readonly slotNames: readonly SlotName[];
}

/**
 * A slot: a model scalar (with its type), a program counter (type null, no range), or
 * bookkeeping of the memory model (type null, with the range its values take; it starts at
 * the range's low end).
 */
export interface SlotName {
  readonly name: string;
  readonly type: I.ScalarType | null;
  readonly owner: number | null; // the instance it belongs to
  readonly range?: { readonly lo: number; readonly hi: number };
}

/** How a memory model adds its slots while the layout is built. */
export class LayoutBuilder {
  readonly slotNames: SlotName[] = [];

  constructor(readonly model: I.CheckedModel) {}

  get width(): number {
    return this.slotNames.length;
  }

  /** Adds one slot and returns its index. */
  add(slot: SlotName): number {
    this.slotNames.push(slot);
    return this.slotNames.length - 1;
  }

  /** Adds a bookkeeping slot of range lo..hi owned by `owner`, and returns its index. */
  bookkeeping(name: string, owner: number | null, lo: number, hi: number): number {
    return this.add({ name, type: null, owner, range: { lo, hi } });
  }
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

/**
 * Globals first, then what the memory model keeps for the whole memory, then per process
 * instance its pc, its locals and what the memory model keeps per instance.
 */
export function buildLayout(model: I.CheckedModel, memory: MemoryModel): StateLayout {
  const b = new LayoutBuilder(model);
  const globalSlots = model.globals.map((g) => {
    const first = b.width;
    eachScalar(g.type, g.name, (name, type) => b.add({ name, type, owner: null }));
    return first;
  });
  memory.addGlobalSlots(b, globalSlots);
  const instances: InstanceLayout[] = [];
  const processes = model.processes.map((p, pi) => {
    const params = p.param ? I.typeValues(p.param.type) : [undefined];
    const firstInstance = instances.length;
    const firstSlot = b.width;
    for (const param of params) {
      const name = instanceName(p, param);
      const owner = instances.length;
      const pcSlot = b.add({ name: `${name}.pc`, type: null, owner });
      const localSlots = p.locals.map((l) => {
        const first = b.width;
        eachScalar(l.type, `${name}.${l.name}`, (n, type) => b.add({ name: n, type, owner }));
        return first;
      });
      const inst: InstanceLayout = { process: pi, name, param, pcSlot, localSlots, localScalars: b.width - pcSlot - 1 };
      instances.push(inst);
      memory.addInstanceSlots(b, inst, owner);
    }
    const stride = params.length ? (b.width - firstSlot) / params.length : 0;
    return { firstInstance, firstSlot, stride, paramLo: p.param ? I.typeFirst(p.param.type) : 0 };
  });
  return { width: b.width, globalSlots, instances, processes, slotNames: b.slotNames };
}
