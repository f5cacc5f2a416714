// What tso and arm share: which global slots are shared memory (ghost state never waits in a
// buffer) and the ranges a buffered location and a buffered value can take.
import * as I from '../check/ir.ts';
import { eachScalar } from '../compile/layout.ts';

export interface BufferPlan {
  readonly size: number; // K: pending stores per process
  /** Slot index of every shared (not ghost) scalar, in slot order. */
  readonly locations: readonly number[];
  readonly loc: { readonly lo: number; readonly hi: number };
  readonly val: { readonly lo: number; readonly hi: number };
}

export function bufferPlan(model: I.CheckedModel, globalSlots: readonly number[], size: number): BufferPlan {
  const locations: number[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  model.globals.forEach((g, gi) => {
    if (g.ghost) return;
    let at = globalSlots[gi];
    eachScalar(g.type, g.name, (_, t) => {
      locations.push(at++);
      lo = Math.min(lo, t.kind === 'int' ? t.lo : 0);
      hi = Math.max(hi, t.kind === 'int' ? t.hi : t.kind === 'bool' ? 1 : I.typeSize(t) - 1);
    });
  });
  return {
    size,
    locations,
    loc: { lo: locations[0] ?? 0, hi: locations[locations.length - 1] ?? 0 },
    val: lo === Infinity ? { lo: 0, hi: 0 } : { lo, hi },
  };
}
