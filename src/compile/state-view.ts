// A state as people and other tools see it: every location by name with its value in the
// model's own terms (enum members by name, bools as booleans). Traces are written with it,
// and a saved trace is re-checked against it.
import * as I from '../check/ir.ts';
import type { TransitionSystem } from './system.ts';

export type ScalarJson = number | boolean | string;

function scalar(type: I.ScalarType | null, v: number): ScalarJson {
  if (type === null) return v; // a program counter
  if (type.kind === 'bool') return v !== 0;
  if (type.kind === 'enum') return type.members[v] ?? v;
  return v;
}

/** `name -> value` for every slot, program counters included (as `proc[i].pc`). */
export function flatView(system: TransitionSystem, state: Int32Array): Record<string, ScalarJson> {
  const out: Record<string, ScalarJson> = {};
  system.layout.slotNames.forEach((s, slot) => {
    out[s.name] = scalar(s.type, state[slot]);
  });
  return out;
}

export type Structured = ScalarJson | Structured[] | { [k: string]: Structured } | { key: ScalarJson; value: Structured }[];

/**
 * One value per global and per process, keeping arrays and structs: arrays become lists of
 * [index, value] pairs (indices in the index type's terms), structs objects; a parameterised
 * process is a list of [parameter, {pc, locals...}] pairs, a single one an object.
 */
export function structuredView(system: TransitionSystem, state: Int32Array): Record<string, unknown> {
  const { model, layout } = system;
  let slot = 0;
  const read = (t: I.Type): unknown => {
    if (I.isScalar(t)) return scalar(t, state[slot++]);
    if (t.kind === 'array') return I.typeValues(t.index).map((k) => [scalar(t.index, k), read(t.elem)]);
    const rec: Record<string, unknown> = {};
    for (const f of t.fields) rec[f.name] = read(f.type);
    return rec;
  };
  const out: Record<string, unknown> = {};
  model.globals.forEach((g, gi) => {
    slot = layout.globalSlots[gi];
    out[g.name] = read(g.type);
  });
  model.processes.forEach((p, pi) => {
    const instances = layout.instances.filter((inst) => inst.process === pi);
    const one = (inst: (typeof instances)[number]) => {
      const rec: Record<string, unknown> = { pc: state[inst.pcSlot] };
      p.locals.forEach((l, li) => {
        slot = inst.localSlots[li];
        rec[l.name] = read(l.type);
      });
      return rec;
    };
    out[p.name] = p.param ? instances.map((inst) => [scalar(p.param!.type, inst.param!), one(inst)]) : one(instances[0]);
  });
  return out;
}

export function sameView(a: Record<string, ScalarJson>, b: Record<string, ScalarJson>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
