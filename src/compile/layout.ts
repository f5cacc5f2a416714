// The fixed state layout: every scalar of every location, program counter and local at a
// known slot of an Int32Array.
import * as I from '../check/ir.ts';

export interface InstanceLayout {
  readonly process: number;
  readonly name: string; // "fault[0]" or "main"
  readonly param: number | undefined;
  readonly pcSlot: number;
  readonly localSlots: readonly number[]; // first slot of each local
}

export interface StateLayout {
  readonly width: number; // slots per state
  readonly globalSlots: readonly number[]; // first slot of each global
  readonly instances: readonly InstanceLayout[];
  /** First instance index and slot stride of each process, for p[i] with a computed i. */
  readonly processes: readonly { firstInstance: number; firstSlot: number; stride: number; paramLo: number }[];
  /** Every scalar slot with a readable name and its type, in slot order (pcs have type null). */
  readonly slotNames: readonly { name: string; type: I.ScalarType | null; owner: number | null }[];
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

export function buildLayout(model: I.CheckedModel): StateLayout {
  let slot = 0;
  const slotNames: { name: string; type: I.ScalarType | null; owner: number | null }[] = [];
  const globalSlots = model.globals.map((g) => {
    const first = slot;
    eachScalar(g.type, g.name, (name, type) => {
      slotNames.push({ name, type, owner: null });
      slot++;
    });
    return first;
  });
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
      instances.push({ process: pi, name, param, pcSlot, localSlots });
    }
    const stride = params.length ? (slot - firstSlot) / params.length : 0;
    return { firstInstance, firstSlot, stride, paramLo: p.param ? I.typeFirst(p.param.type) : 0 };
  });
  return { width: slot, globalSlots, instances, processes, slotNames };
}
