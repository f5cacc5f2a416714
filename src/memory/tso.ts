// x86-TSO (`--memory tso`, docs/memory-models.md): each process instance has a FIFO store
// buffer of at most K entries. A plain store to shared memory appends to it (the step waits
// for room); a load forwards the newest buffered store to its location, else reads memory;
// read-modify-writes, atomic blocks, smp_mb() and dsb() wait for an empty buffer and then act
// on memory; a drain, a step of the memory system, moves the oldest entry to memory.
import * as I from '../check/ir.ts';
import { checkedValue, direct, type Access } from '../compile/access.ts';
import type { Edge } from '../compile/automaton.ts';
import { emitAddress, sharedRoot } from '../compile/emit-expr.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import { bufferPlan, type BufferPlan } from './buffers.ts';
import type { BufferView, MemoryModel, SlotRenaming, StepAccess } from './model.ts';

/** Where an instance's buffer lives: its count, then K (location slot, value) entries. */
interface TsoBuffer {
  readonly countSlot: number;
  readonly firstEntry: number;
}

export interface TsoRuntimeData {
  readonly count: readonly number[]; // per instance
  readonly first: readonly number[];
  readonly size: number;
  readonly emptyLoc: number;
  readonly emptyVal: number;
}

export function totalStoreOrder(size: number): MemoryModel {
  let plan: BufferPlan | undefined;
  let model: I.CheckedModel | undefined;
  const buffers: TsoBuffer[] = [];
  const renamings = new Map<number, SlotRenaming>();
  let slotNames: readonly { name: string; type: I.ScalarType | null }[] = [];

  /** Reads of shared memory forward from the instance's own buffer; stores may append to it. */
  const access = (instance: number, bufferStores: boolean): Access => ({
    ...direct,
    read(e, addr, ctx) {
      return sharedRoot(e, ctx.model) ? `$m.ld(${ctx.arr}, ${ctx.base}, ${instance}, ${addr})` : direct.read(e, addr, ctx);
    },
    store(w, target, value, ctx, how) {
      if (!bufferStores || !sharedRoot(target, ctx.model)) return direct.store(w, target, value, ctx, how);
      // The value first, then the address (as for a store to memory), and the same range check.
      w.line(
        `{ const $v = ${checkedValue(value, target.type, target, ctx)}; $m.push(${ctx.arr}, ${ctx.base}, ${instance}, ${emitAddress(target, ctx)}, $v); }`,
      );
    },
  });

  return {
    spec: { name: 'tso', storeBuffer: size },
    environmentName: 'drains',
    fenceIsStep: (f) => f === 'smp_mb' || f === 'dsb',
    ordersAcquireRelease: false,

    addGlobalSlots(b, globalSlots) {
      model = b.model;
      plan = bufferPlan(b.model, globalSlots, size);
    },

    addInstanceSlots(b, inst, index) {
      const p = plan!;
      const countSlot = b.bookkeeping(`${inst.name}.sb.count`, index, 0, size);
      const firstEntry = b.width;
      for (let k = 0; k < size; k++) {
        const loc = b.bookkeeping(`${inst.name}.sb[${k}].loc`, index, p.loc.lo, p.loc.hi);
        const val = b.bookkeeping(`${inst.name}.sb[${k}].val`, index, p.val.lo, p.val.hi);
        renamings.set(loc, { value: { kind: 'slot' } });
        renamings.set(val, { value: { kind: 'buffered', locationIn: loc } });
      }
      buffers[index] = { countSlot, firstEntry };
      slotNames = b.slotNames;
    },

    validate(e: Edge): Diagnostic[] {
      const s = e.stmt;
      if (e.kind === 'step' && (s.kind === 'assign' || s.kind === 'any') && !I.isScalar(s.target.type) && sharedRoot(s.target, model!))
        return [
          diag('tso', 'under --memory tso, a whole array or struct cannot be stored to a shared location in one step: copy it element by element', s.span),
        ];
      return [];
    },

    stepAccess(e, instance): StepAccess {
      const sb = buffers[instance];
      const s = e.stmt;
      const plainStore = e.kind === 'step' && (s.kind === 'assign' || s.kind === 'any');
      let guard = '';
      // Atomic blocks, read-modify-writes and full fences wait for an empty buffer; a plain
      // store to a shared location waits for room in it.
      if (e.kind === 'atomic' || (e.kind === 'step' && (s.kind === 'op' || s.kind === 'fence'))) guard = `s[so + ${sb.countSlot}] === 0`;
      else if (plainStore && sharedRoot((s as Extract<I.Stmt, { kind: 'assign' | 'any' }>).target, model!)) guard = `s[so + ${sb.countSlot}] < ${size}`;
      return { onSource: access(instance, false), onSuccessor: access(instance, plainStore), guard };
    },

    emitEnvironment(w, host) {
      host.layout.instances.forEach((inst, i) => {
        const id = host.memoryAction(i, '(drain) oldest buffered store -> memory');
        w.comment(`drain ${inst.name}: its oldest buffered store reaches memory`);
        w.open(`if (s[so + ${buffers[i].countSlot}] > 0) {`);
        w.line(`A = ${id};`);
        host.alloc(w);
        w.line(`$m.drain(ob, o, ${i});`);
        w.line(`eb[n++] = ${id};`);
        w.close();
      });
    },

    runtime() {
      const data: TsoRuntimeData = {
        count: buffers.map((b) => b.countSlot),
        first: buffers.map((b) => b.firstEntry),
        size,
        emptyLoc: plan!.loc.lo,
        emptyVal: plan!.val.lo,
      };
      return { model: 'tso', data };
    },

    renaming: (slot) => renamings.get(slot) ?? { value: { kind: 'copy' } },

    buffer(instance): BufferView {
      const sb = buffers[instance];
      const slots = [sb.countSlot];
      for (let k = 0; k < 2 * size; k++) slots.push(sb.firstEntry + k);
      return {
        slots,
        entries(state) {
          const items: string[] = [];
          for (let k = 0; k < state[sb.countSlot]; k++) {
            const target = slotNames[state[sb.firstEntry + 2 * k]];
            const val = state[sb.firstEntry + 2 * k + 1];
            items.push(`${target.name}=${target.type ? I.showValue(target.type, val) : val}`);
          }
          return items;
        },
        text(state) {
          return this.entries(state).join(' ');
        },
      };
    },
  };
}

/** The store buffers of every instance, as the generated code calls them (`$m`). */
export class TsoRuntime {
  private readonly count: Int32Array;
  private readonly first: Int32Array;
  private readonly last: number; // offset of the last entry from the first
  private readonly emptyLoc: number;
  private readonly emptyVal: number;

  constructor(d: TsoRuntimeData) {
    this.count = Int32Array.from(d.count);
    this.first = Int32Array.from(d.first);
    this.last = 2 * (d.size - 1);
    this.emptyLoc = d.emptyLoc;
    this.emptyVal = d.emptyVal;
  }

  /** Instance i loads the shared scalar at slot a: its newest buffered store to a, else memory. */
  ld(s: Int32Array, b: number, i: number, a: number): number {
    const e = b + this.first[i];
    for (let k = s[b + this.count[i]] - 1; k >= 0; k--) if (s[e + 2 * k] === a) return s[e + 2 * k + 1];
    return s[b + a];
  }

  /** Instance i's store of v to the shared scalar at slot a joins the end of its buffer. */
  push(s: Int32Array, b: number, i: number, a: number, v: number): void {
    const c = b + this.count[i];
    const n = s[c];
    const e = b + this.first[i] + 2 * n;
    s[e] = a;
    s[e + 1] = v;
    s[c] = n + 1;
  }

  /** After a renaming: the entries not in use hold their fixed values again. */
  tidy(s: Int32Array, b: number): void {
    for (let i = 0; i < this.count.length; i++) {
      const e = b + this.first[i];
      for (let k = 2 * s[b + this.count[i]]; k <= this.last; k += 2) {
        s[e + k] = this.emptyLoc;
        s[e + k + 1] = this.emptyVal;
      }
    }
  }

  /** The oldest entry of instance i's buffer reaches memory. Empty entries hold fixed values. */
  drain(s: Int32Array, b: number, i: number): void {
    const e = b + this.first[i];
    s[b + s[e]] = s[e + 1];
    for (let k = 0; k < this.last; k++) s[e + k] = s[e + k + 2];
    s[e + this.last] = this.emptyLoc;
    s[e + this.last + 1] = this.emptyVal;
    s[b + this.count[i]]--;
  }
}
