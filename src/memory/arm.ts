// Armv8 (`--memory arm`, docs/memory-models.md): an operational model in the style of
// Promising-Arm without promises. Stores wait in a per-process buffer of pending stores and
// reach memory (one timestamp order) in any order the barriers allow; loads read any message
// their views allow; values carry views (dependencies); read-modify-writes and atomic blocks
// that touch shared memory are fully ordered. Every step runs on the successor's copy, once
// per sequence of choices (which message each load reads, `any`, `either`), and ends with
// the normal form. The runtime the generated code calls is arm-runtime.ts.
import * as I from '../check/ir.ts';
import type { Access, OpStmt, StoreHow } from '../compile/access.ts';
import { checkedValue, direct, opResult, rangeMessage } from '../compile/access.ts';
import type { Edge } from '../compile/automaton.ts';
import type { CodeWriter } from '../compile/code-writer.ts';
import { eachChoice } from '../compile/emit-edge.ts';
import { bounds, emitAddress, emitExpr, rootOf, sharedRoot, type ExprContext } from '../compile/emit-expr.ts';
import { atomicFrame, emitStmt } from '../compile/emit-step.ts';
import { slotCount } from '../compile/layout.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import { RELEASE, BARRIER_AFTER, EXCLUSIVE, ORDER_CODE, VIEW_NAMES, type ArmRuntimeData } from './arm-runtime.ts';
import { bufferPlan, type BufferPlan } from './buffers.ts';
import type { BufferView, EmitHost, MemoryModel, SlotRenaming } from './model.ts';

/** Where an instance's buffer and views live. */
interface ArmInstance {
  readonly countSlot: number;
  /** Room in its buffer: K, or 0 when its process never leaves a pending store (`buffers`). */
  readonly cap: number;
  readonly firstEntry: number; // cap entries of (location, value, view, flags)
  readonly coh: number; // L slots: coh per shared scalar location
  readonly views: number; // vrOld, vwOld, vrNew, vCAP, vRel
  readonly localViews: number; // one view per local scalar slot, in slot order
  readonly locals: number; // how many local scalar slots
  readonly delta: number; // localViews - first local slot: from a local's slot to its view's
}

/** How a step's code treats memory: a step, a block that mentions shared memory, or one that does not. */
type Mode = 'step' | 'atomic' | 'local';

/** The barriers that are smp_mb() under arm. */
const FULL_FENCES: ReadonlySet<I.FenceName> = new Set<I.FenceName>([
  'smp_mb',
  'dsb',
  'smp_mb__before_atomic',
  'smp_mb__after_atomic',
  'smp_mb__after_spinlock',
]);

/**
 * Reads of the source state for a condition decided before the step runs: values only, and
 * `forall`/`exists` read every element as the step itself does (so an index out of range
 * fails in the same places).
 */
const PEEK: Access = { ...direct, readsEveryElement: true };
/** The conditional RMWs: they may store nothing, and then they are a plain read (O2). */
const isCas = (op: I.OpName): boolean => op === 'cmpxchg' || op === 'try_cmpxchg' || op === 'add_unless';
/** JS for whether a conditional RMW stores, over `old` and its arguments x0, x1. */
const stores = (op: I.OpName): string => (op === 'add_unless' ? 'old !== +x1' : 'old === +x0');
/** JS for whether a conditional RMW stores nothing (the negation of `stores`). */
const storesNothing = (op: I.OpName): string => (op === 'add_unless' ? 'old === +x1' : 'old !== +x0');

/** Whether statements hold an RMW that may leave an exclusive store (docs/memory-models.md, O3). */
function makesExclusive(x: unknown): boolean {
  if (!x || typeof x !== 'object') return false;
  if (Array.isArray(x)) return x.some(makesExclusive);
  const node = x as { kind?: unknown; order?: unknown };
  if (node.kind === 'op' && node.order !== undefined && node.order !== 'full') return true;
  return Object.entries(x).some(([k, v]) => k !== 'span' && k !== 'type' && makesExclusive(v));
}

/**
 * Whether statements may leave a pending store when they run as steps (outside atomic
 * blocks, which act on memory at once): a store to a shared location, set_bit, clear_bit and
 * smp_store_release of one, an RMW of one that is not fully ordered (O2, O3), and any
 * operation whose result goes to one (O4). A process with none keeps an empty buffer for
 * ever: its instances get no buffer entries in the state (emitting a pending store for such
 * an instance is an internal error, see `noRoom`).
 */
function buffers(list: readonly I.Stmt[], model: I.CheckedModel): boolean {
  return list.some((s) => {
    switch (s.kind) {
      case 'assign':
      case 'any':
        return sharedRoot(s.target, model);
      case 'op': {
        if (s.result !== null && sharedRoot(s.result, model)) return true;
        if (!sharedRoot(s.location, model)) return false;
        if (s.op === 'set_bit' || s.op === 'clear_bit' || s.op === 'smp_store_release') return true;
        return s.op !== 'smp_load_acquire' && (isCas(s.op) || (s.order ?? 'full') !== 'full');
      }
      case 'atomic':
        return false;
      default:
        return childLists(s).some((c) => buffers(c, model));
    }
  });
}

/** Thrown while emitting a pending store for an instance that `buffers` said has none. */
function noRoom(name: string): never {
  throw new Error(`internal error: a pending store of ${name} under --memory arm, whose buffer was planned empty`);
}

export function armv8(size: number): MemoryModel {
  let model: I.CheckedModel;
  let plan: BufferPlan;
  let memory = 0; // first slot of the memory region
  let maxView = 0;
  const stride = 2 + 2 * (size + 1);
  const instances: ArmInstance[] = [];
  const renamings = new Map<number, SlotRenaming>();
  let slotNames: readonly { name: string; type: I.ScalarType | null }[] = [];
  /** The model has RMWs that leave exclusive stores: only then are they checked for. */
  let exclusive = false;

  /** Whether statements or expressions mention a shared (ghost: false) or ghost location. */
  function mentions(x: unknown, ghost = false): boolean {
    if (!x || typeof x !== 'object') return false;
    if (Array.isArray(x)) return x.some((y) => mentions(y, ghost));
    const node = x as { kind?: unknown; global?: unknown };
    if (node.kind === 'global' && typeof node.global === 'number' && model.globals[node.global].ghost === ghost) return true;
    return Object.entries(x).some(([k, v]) => k !== 'span' && k !== 'type' && mentions(v, ghost));
  }

  function access(ii: number, mode: Mode): Access {
    const arm = instances[ii];
    return {
      readsEveryElement: true,
      read(e, addr, ctx) {
        const A = ctx.arr;
        const B = ctx.base;
        if (sharedRoot(e, ctx.model)) {
          if (mode === 'step') return `$m.ld(${A}, ${B}, ${ii}, ($m.enter(), ${addr}), 0)`;
          return `$m.read(${A}, ${B}, ${addr})`;
        }
        if (rootOf(e).kind === 'local') return `$m.lr(${A}, ${B}, ${addr}, ${arm.delta})`;
        // A ghost location or another process's local: view 0, whatever the index.
        if (/^\d+$/.test(addr)) return `${A}[${B} + ${addr}]`;
        return `$m.ghostRead(${A}, ${B}, ($m.enter(), ${addr}))`;
      },

      /** The value (with its view), then the address (with its view), then the store. */
      store(w, target, value, ctx, how: StoreHow = {}) {
        const addr = emitAddress(target, ctx);
        const v = checkedValue('$v', target.type, target, ctx);
        const A = ctx.arr;
        const B = ctx.base;
        w.open('{');
        if (how.view === undefined) w.line(`$m.w = 0; const $v = ${value}; const $vd = $m.w;`);
        else w.line(`const $v = ${value}; const $vd = ${how.view};`);
        w.line(`$m.w = 0; const $a = ${addr}; const $va = $m.w;`);
        if (sharedRoot(target, ctx.model)) {
          if (mode === 'step' && arm.cap === 0) noRoom(slotNames[arm.countSlot].name);
          if (mode === 'step') w.line(`$m.sb(${A}, ${B}, ${ii}, $a, ${v}, $va, $vd, ${how.release ? 1 : 0});`);
          else w.line(`${A}[${B} + $a] = ${v}; $m.stored($a);`);
        } else if (rootOf(target).kind === 'local') {
          w.line(`${A}[${B} + $a] = ${v}; ${A}[${B} + $a + ${arm.delta}] = Math.max($vd, $va);${mode === 'atomic' ? ' $m.wroteLocal($a);' : ''}`);
        } else w.line(`${A}[${B} + $a] = ${v};`);
        w.close();
      },

      copy(w, target, value, ctx) {
        // Shared aggregates are rejected (validate); a local copies its views too.
        const n = slotCount(target.type);
        const A = ctx.arr;
        const B = ctx.base;
        const d = arm.delta;
        const head = `const t = ${emitAddress(target, ctx)}, f = ${emitAddress(value, ctx)}; ${A}.set(${A}.slice(${B} + f, ${B} + f + ${n}), ${B} + t);`;
        if (rootOf(target).kind !== 'local') return void w.line(`{ ${head} }`);
        w.open('{');
        w.line(head);
        if (rootOf(value).kind === 'local') w.line(`${A}.set(${A}.slice(${B} + f + ${d}, ${B} + f + ${d} + ${n}), ${B} + t + ${d});`);
        else w.line(`${A}.fill(0, ${B} + t + ${d}, ${B} + t + ${d} + ${n});`);
        if (mode === 'atomic') w.line(`for (let k = 0; k < ${n}; k++) $m.wroteLocal(t + k);`);
        w.close();
      },

      op(w, s, ctx, discard) {
        emitOp(w, s, ctx, { ii, mode, delta: arm.delta, discard, countSlot: arm.countSlot, size: arm.cap, exclusive, name: slotNames[arm.countSlot].name });
      },

      fence(w, f, ctx) {
        if (mode !== 'step') return;
        const call = FULL_FENCES.has(f) ? 'mb' : { smp_wmb: 'wmb', smp_rmb: 'rmb', isb: 'isb' }[f as 'smp_wmb' | 'smp_rmb' | 'isb'];
        w.line(`$m.${call}(${ctx.arr}, ${ctx.base}, ${ii});`);
      },
    };
  }

  function validate(s: I.Stmt, out: Diagnostic[]): void {
    if (s.kind === 'assign' && !I.isScalar(s.target.type) && (sharedRoot(s.target, model) || sharedRoot(s.value, model)))
      out.push(
        diag(
          'arm',
          'under --memory arm, a whole array or struct of a shared location cannot be loaded or stored in one step: copy it element by element',
          s.span,
        ),
      );
    for (const list of childLists(s)) for (const c of list) validate(c, out);
  }

  /** Under arm, every edge runs on the successor's copy, once per sequence of choices. */
  function emitStep(w: CodeWriter, e: Edge, ii: number, host: EmitHost): void {
    const arm = instances[ii];
    const pcSlot = host.layout.instances[ii].pcSlot;
    const mode: Mode = e.kind !== 'atomic' ? 'step' : mentions(e.stmt.body) ? 'atomic' : 'local';
    const ctx = host.context(ii, e.env, 'ob', 'o', access(ii, mode));
    const count = `s[so + ${arm.countSlot}]`;
    // A step that reads or writes a ghost location observes all of memory afterwards.
    const sync = mentions(e.kind === 'cond' ? e.stmt.cond : e.kind === 'atomic' ? e.stmt.body : e.stmt, true);
    const finish = (next: number, act: number): string =>
      `${sync ? `$m.ghostSync(ob, o, ${ii}); ` : ''}$m.settle(ob, o); ob[o + ${pcSlot}] = ${next}; eb[n++] = ${act};`;
    let guard = '';
    let first: number;
    let run: () => void;
    switch (e.kind) {
      case 'cond': {
        first = host.action(ii, e.stmt.span);
        const t = host.action(ii, e.stmt.span, 'true');
        const f = host.action(ii, e.stmt.span, 'false');
        run = () => {
          w.line(`$m.w = 0; const c = ${emitExpr(e.stmt.cond, ctx)}; $m.cap(ob, o, ${ii});`);
          w.line(`if (c) { A = ${t}; ${finish(e.then, t)} }`);
          w.line(`else { A = ${f}; ${finish(e.else, f)} }`);
        };
        break;
      }
      case 'atomic': {
        first = host.action(ii, e.stmt.span);
        if (mode === 'atomic') guard = `${count} === 0`;
        run = () => {
          w.line('$atomicStart(); $m.resetMarks();');
          emitStmt(w, e.stmt, ctx, atomicFrame('X'));
          // O1: no store to a location another instance holds an exclusive store to.
          if (mode === 'atomic' && exclusive) w.line(`if ($m.exStored(ob, o, ${ii})) break X;`);
          if (mode === 'atomic') w.line(`$m.atomicEnd(ob, o, s, so, ${ii});`);
          w.line(finish(e.next, first));
        };
        break;
      }
      case 'step': {
        first = host.action(ii, e.stmt.span);
        const st = e.stmt;
        const room = `${count} < ${arm.cap}`;
        if (st.kind === 'fence' && FULL_FENCES.has(st.fence)) guard = `${count} === 0`;
        if (st.kind === 'op') {
          const shared = sharedRoot(st.location, model);
          const resultShared = st.result !== null && sharedRoot(st.result, model);
          const order = st.order ?? 'full';
          if (st.op === 'smp_load_acquire') guard = `$m.noRelease(s, so, ${ii})${resultShared ? ` && ${room}` : ''}`;
          else if (st.op === 'smp_store_release' || st.op === 'set_bit' || st.op === 'clear_bit') guard = shared ? room : '';
          else if (!shared)
            guard = order === 'full' ? `${count} === 0` : ''; // A5, O5
          else if (isCas(st.op))
            guard = order === 'acquire' ? `$m.noRelease(s, so, ${ii})` : ''; // O2: the rest per path
          else if (order === 'full')
            guard = `${count} === 0`; // O1
          else guard = `$m.o3Ready(s, so, ${ii}, ${ORDER_CODE[order]})`; // O3
        }
        if ((st.kind === 'assign' || st.kind === 'any') && sharedRoot(st.target, model)) guard = room;
        run = () => {
          switch (st.kind) {
            case 'await':
              w.line(`$m.w = 0; if (!(${emitExpr(st.cond, ctx)})) break X; $m.cap(ob, o, ${ii});`);
              break;
            case 'any': {
              const [lo] = bounds(st.over);
              ctx.access.store(w, st.target, `${lo} + $C.choose(${I.typeSize(st.over)})`, ctx, { view: '0' });
              break;
            }
            default:
              emitStmt(w, st, ctx, atomicFrame('X'));
          }
          w.line(finish(e.next, first));
        };
        break;
      }
    }
    // A step that begins by waiting for a condition it can decide on the source state (in an
    // atomic block, or with no shared location in it: no view, no choice) is tried only when
    // the condition holds, not copied first and dropped: most such steps wait most of the time.
    // (Its evaluation may fail as the step's would: A is the step's already.)
    const waits = e.kind === 'atomic' ? e.stmt.body[0] : e.kind === 'step' ? e.stmt : undefined;
    const peek =
      waits?.kind === 'await' && (e.kind === 'atomic' || !mentions(waits.cond)) ? emitExpr(waits.cond, host.context(ii, e.env, 's', 'so', PEEK)) : '';
    w.open(guard ? `if (${guard}) {` : '{');
    w.line(`A = ${first};`);
    if (peek) w.open(`if (${peek}) {`);
    eachChoice(w, () => {
      host.alloc(w);
      w.open('X: {');
      run();
      w.close();
    });
    if (peek) w.close();
    w.close();
  }

  return {
    spec: { name: 'arm', storeBuffer: size },
    environmentName: 'commits',
    fenceIsStep: () => true,
    ordersAcquireRelease: true,

    addGlobalSlots(b, globalSlots) {
      model = b.model;
      exclusive = makesExclusive(b.model.processes);
      plan = bufferPlan(b.model, globalSlots, size);
      maxView = plan.locations.length * (size + 1);
      memory = b.width;
      // Per shared scalar location: the current message's timestamp (its value is the
      // location's own slot), the number of older messages, then K + 1 (value, timestamp)
      // pairs for them, oldest first; the last pair is scratch space, empty when normalised.
      for (const at of plan.locations) {
        const name = b.slotNames[at].name;
        // The record of a location moves with the location, and its older values are its values.
        const like = { slot: at, scale: stride };
        renamings.set(b.bookkeeping(`${name}.ts`, null, 0, maxView), { like, value: { kind: 'copy' } });
        renamings.set(b.bookkeeping(`${name}.older`, null, 0, size), { like, value: { kind: 'copy' } });
        for (let k = 0; k <= size; k++) {
          const scratch = k === size;
          renamings.set(b.bookkeeping(`${name}.older[${k}].val`, null, plan.val.lo, scratch ? plan.val.lo : plan.val.hi), {
            like,
            value: { kind: 'location', location: at },
          });
          renamings.set(b.bookkeeping(`${name}.older[${k}].ts`, null, 0, scratch ? 0 : maxView), { like, value: { kind: 'copy' } });
        }
      }
    },

    addInstanceSlots(b, inst, index) {
      const name = inst.name;
      const cap = buffers(b.model.processes[inst.process].body, b.model) ? size : 0;
      const countSlot = b.bookkeeping(`${name}.sb.count`, index, 0, cap);
      const firstEntry = b.width;
      for (let k = 0; k < cap; k++) {
        const loc = b.bookkeeping(`${name}.sb[${k}].loc`, index, plan.loc.lo, plan.loc.hi);
        renamings.set(loc, { value: { kind: 'slot' } });
        renamings.set(b.bookkeeping(`${name}.sb[${k}].val`, index, plan.val.lo, plan.val.hi), { value: { kind: 'buffered', locationIn: loc } });
        b.bookkeeping(`${name}.sb[${k}].view`, index, 0, maxView);
        b.bookkeeping(`${name}.sb[${k}].flags`, index, 0, BARRIER_AFTER | RELEASE | (exclusive ? EXCLUSIVE : 0));
      }
      const views = (what: string, n: number): number => {
        const first = b.width;
        for (let k = 0; k < n; k++) b.bookkeeping(`${name}.${what}${n > 1 ? `[${k}]` : ''}`, index, 0, maxView);
        return first;
      };
      const coh = views('coh', plan.locations.length);
      // coh is per location, and a local's view moves with the local.
      plan.locations.forEach((at, li) => renamings.set(coh + li, { like: { slot: at, scale: 1 }, value: { kind: 'copy' } }));
      const v = VIEW_NAMES.map((w) => views(w, 1))[0];
      const localViews = views('view', inst.localScalars);
      for (let j = 0; j < inst.localScalars; j++) renamings.set(localViews + j, { like: { slot: inst.pcSlot + 1 + j, scale: 1 }, value: { kind: 'copy' } });
      instances[index] = { countSlot, cap, firstEntry, coh, views: v, localViews, locals: inst.localScalars, delta: localViews - (inst.pcSlot + 1) };
      slotNames = b.slotNames;
    },

    validate(e) {
      const out: Diagnostic[] = [];
      validate(e.stmt, out);
      return out;
    },

    emitStep,

    emitEnvironment(w, host) {
      // The memory system commits any pending store that may reach memory, oldest first.
      host.layout.instances.forEach((inst, ii) => {
        const id = host.memoryAction(ii, '(commit) a buffered store -> memory');
        w.comment(`commit ${inst.name}: a pending store that nothing orders after an older one reaches memory`);
        w.open(`for (let k = 0, c = s[so + ${instances[ii].countSlot}]; k < c; k++) {`);
        w.line(`if (!$m.eligible(s, so, ${ii}, k)) continue;`);
        w.line(`A = ${id};`);
        host.alloc(w);
        w.line(`$m.commit(ob, o, ${ii}, k); $m.settle(ob, o); eb[n++] = ${id};`);
        w.close();
      });
    },

    runtime() {
      const timestampSlots: number[] = [];
      plan.locations.forEach((_, li) => {
        const m = memory + li * stride;
        timestampSlots.push(m);
        for (let k = 0; k <= size; k++) timestampSlots.push(m + 3 + 2 * k);
      });
      const viewSlots = [...timestampSlots];
      for (const a of instances) {
        for (let k = 0; k < plan.locations.length; k++) viewSlots.push(a.coh + k);
        for (let k = 0; k < VIEW_NAMES.length; k++) viewSlots.push(a.views + k);
        for (let k = 0; k < a.locals; k++) viewSlots.push(a.localViews + k);
        for (let k = 0; k < a.cap; k++) viewSlots.push(a.firstEntry + 4 * k + 2);
      }
      const data: ArmRuntimeData = {
        size,
        locations: plan.locations,
        memory,
        stride,
        emptyLoc: plan.loc.lo,
        emptyVal: plan.val.lo,
        instances: instances.map((a) => [a.countSlot, a.firstEntry, a.coh, a.views, a.delta, a.cap] as const),
        width: slotNames.length,
        timestampSlots,
        viewSlots,
      };
      return { model: 'arm', data };
    },

    renaming: (slot) => renamings.get(slot) ?? { value: { kind: 'copy' } },

    // Loading location li sets coh[li] to at least the timestamp of the message read, and a
    // process whose coh[li] has reached the newest message's timestamp can read only that one:
    // so after a load from memory, coh[li] below the newest timestamp means an older message.
    // A load of the process's own pending store reads no message at all.
    olderRead(instance, slot, before, after) {
      const li = plan.locations.indexOf(slot);
      if (li < 0) return false;
      const a = instances[instance];
      for (let k = 0; k < before[a.countSlot]; k++) if (before[a.firstEntry + 4 * k] === slot) return false;
      return after[a.coh + li] < after[memory + li * stride];
    },

    buffer(instance): BufferView {
      const a = instances[instance];
      const slots = [a.countSlot];
      for (let k = 0; k < 4 * a.cap; k++) slots.push(a.firstEntry + k);
      return {
        slots,
        entries(state) {
          const items: string[] = [];
          for (let k = 0; k < state[a.countSlot]; k++) {
            const e = a.firstEntry + 4 * k;
            const target = slotNames[state[e]];
            const val = state[e + 1];
            const flags = state[e + 3];
            // "(rel)" marks a release store, "(ex)" an RMW's exclusive store, "|" a barrier (smp_wmb) after the store.
            items.push(
              `${target.name}=${target.type ? I.showValue(target.type, val) : val}${flags & RELEASE ? ' (rel)' : ''}${flags & EXCLUSIVE ? ' (ex)' : ''}${flags & BARRIER_AFTER ? ' |' : ''}`,
            );
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

/** The statement lists directly inside a statement. */
function childLists(s: I.Stmt): I.Stmt[][] {
  switch (s.kind) {
    case 'if':
      return [s.then, s.else];
    case 'while':
    case 'loop':
    case 'for':
    case 'atomic':
    case 'inline':
      return [s.body];
    case 'either':
      return s.branches;
    default:
      return [];
  }
}

interface OpPlace {
  readonly ii: number;
  readonly mode: Mode;
  readonly delta: number;
  /** The JS label to leave when the path is not enabled. */
  readonly discard: string;
  readonly countSlot: number;
  /** The instance's buffer room (0: it never leaves a pending store). */
  readonly size: number;
  /** The instance's name, for the internal error of `noRoom`. */
  readonly name: string;
  /** Whether the model makes exclusive stores (only then are they looked for). */
  readonly exclusive: boolean;
}

/**
 * Operations under arm. In a step: acquire loads and release stores go through the view
 * machinery; set_bit/clear_bit are plain stores; the RMWs follow docs/memory-models.md (O1 fully
 * ordered, O2 cmpxchg, O3 relaxed/acquire/release with an exclusive store, O5 local or ghost
 * locations). In an atomic block they act on current messages and are marked like any access there.
 */
function emitOp(w: CodeWriter, s: OpStmt, ctx: ExprContext, p: OpPlace): void {
  const { ii, mode, delta, discard: D } = p;
  const A = ctx.arr;
  const B = ctx.base;
  const t = s.location.type;
  const shared = sharedRoot(s.location, ctx.model);
  const local = rootOf(s.location).kind === 'local';
  const order = s.order ?? 'full';
  const cas = isCas(s.op);
  // Acquire loads and release stores of a local or ghost location are no RMWs: they act at once.
  const ordered = s.op !== 'smp_load_acquire' && s.op !== 'smp_store_release';
  const count = `${A}[${B} + ${p.countSlot}]`;
  const result = (value: string, view: string): void => {
    if (!s.result) return;
    // O4: a shared result target is a pending store that needs room.
    if (mode === 'step' && sharedRoot(s.result, ctx.model) && (cas || order !== 'full')) w.line(`if (${count} >= ${p.size}) break ${D};`);
    ctx.access.store(w, s.result, value, ctx, { view });
  };
  if (s.op === 'set_bit' || s.op === 'clear_bit') return ctx.access.store(w, s.location, s.op === 'set_bit' ? '1' : '0', ctx);
  if (mode === 'step' && shared && s.op === 'smp_load_acquire') {
    w.open('{ // smp_load_acquire');
    w.line(`$m.w = 0; const $r = $m.ld(${A}, ${B}, ${ii}, ($m.enter(), ${emitAddress(s.location, ctx)}), 1); const $rv = $m.w;`);
    result('$r', '$rv');
    return void w.close();
  }
  if (mode === 'step' && shared && s.op === 'smp_store_release') return ctx.access.store(w, s.location, emitExpr(s.args[0], ctx), ctx, { release: true });
  const nv = newValue(s, t, ctx);
  const cmp = cas ? stores(s.op) : '1';
  const head = (): void => {
    w.line(`$m.w = 0; const a = ${emitAddress(s.location, ctx)}; const $va = $m.w;`);
    w.line(`$m.w = 0; ${argConsts(s, ctx)} const $vd = $m.w;`);
  };
  w.open(`{ // ${s.op}${order !== 'full' ? `_${order}` : ''}`);
  if (mode === 'step' && shared && (cas || order !== 'full')) {
    head();
    if (p.size === 0) noRoom(p.name);
    const exclusiveStore = (): void => {
      w.line(`const nv = ${nv}; $m.sbx(${A}, ${B}, ${ii}, a, nv, Math.max($rv, $vd), ${order === 'release' ? 1 : 0});`);
      result(opResult(s, 'old', 'nv'), '$rv');
    };
    if (cas) {
      // O2: read as a load; a different value fails, the same value from the current message succeeds.
      w.line(`$m.w = 0; $m.enter(); $m.w = $va; const old = $m.ld(${A}, ${B}, ${ii}, a, ${order === 'acquire' ? 1 : 0}); const $rv = $m.w;`);
      w.open(`if (${storesNothing(s.op)}) {`);
      if (s.wait) w.line(`break ${D};`);
      else result(s.op === 'cmpxchg' ? 'old' : '0', '$rv');
      w.reopen('} else {');
      w.line(`if (!$m.cur) break ${D};`);
      if (order === 'full') {
        w.line(`if (${count} !== 0${p.exclusive ? ` || $m.exElse(${A}, ${B}, ${ii}, a)` : ''}) break ${D};`);
        w.line(`const nv = ${nv}; const $V = $m.rmw(${A}, ${B}, ${ii}, a, 1, nv, $va, $vd);`);
        result(opResult(s, 'old', 'nv'), '$V');
      } else {
        w.line(`if (!$m.o3Ready(${A}, ${B}, ${ii}, ${ORDER_CODE[order]}) || $m.exElse(${A}, ${B}, ${ii}, a)) break ${D};`);
        exclusiveStore();
      }
      w.close();
    } else {
      // O3: the current message, and an exclusive store of the new value.
      w.line(`if ($m.own(${A}, ${B}, ${ii}, a) || $m.exElse(${A}, ${B}, ${ii}, a)) break ${D};`);
      w.line(`const old = $m.rmwx(${A}, ${B}, ${ii}, a, $va, ${order === 'acquire' ? 1 : 0}); const $rv = $m.rv;`);
      exclusiveStore();
    }
  } else if (mode === 'step' && shared) {
    // O1: fully ordered, a new current message at once.
    head();
    if (p.exclusive) w.line(`if ($m.exElse(${A}, ${B}, ${ii}, a)) break ${D};`);
    w.line(`const old = ${A}[${B} + a]; const nv = ${nv};`);
    w.line(`const $V = $m.rmw(${A}, ${B}, ${ii}, a, 1, nv, $va, $vd);`);
    result(opResult(s, 'old', 'nv'), '$V');
  } else if (mode === 'step' && !ordered) {
    // Inside a step, acquire/release of a local or ghost location: see the last branch.
    atOnce();
  } else if (mode === 'step' && order === 'full') {
    // A5: a fully ordered RMW of a local or ghost location in a step: memory is untouched
    // (no timestamp, vwOld and coh unchanged).
    head();
    w.line(`const old = ${A}[${B} + a];${s.wait ? ` if (!(${cmp})) break ${D};` : ''} let nv = old; if (${cmp}) { nv = ${nv}; ${A}[${B} + a] = nv; }`);
    w.line(`const $V = $m.rmwLocal(${A}, ${B}, ${ii}, $va, $vd);${local ? ` if (${cmp}) ${A}[${B} + a + ${delta}] = $V;` : ''}`);
    result(opResult(s, 'old', 'nv'), '$V');
  } else if (mode === 'step') {
    // O5: with a suffix, on a local or ghost location: at once, no waiting, no views but its own.
    head();
    const read = local ? `$m.lr(${A}, ${B}, a, ${delta})` : `${A}[${B} + a]`;
    w.line(`$m.w = 0; const old = ${read}; const $ov = Math.max($m.w, $va, $vd);`);
    w.line(
      `${s.wait ? `if (!(${cmp})) break ${D}; ` : ''}let nv = old; if (${cmp}) { nv = ${nv}; ${A}[${B} + a] = nv;${local ? ` ${A}[${B} + a + ${delta}] = $ov;` : ''} }`,
    );
    result(opResult(s, 'old', 'nv'), '$ov');
  } else atOnce();
  w.close();

  /**
   * Inside an atomic block, and acquire/release of a local or ghost location: at once. The
   * value read and the value stored carry the views of the indices, the old value and the
   * arguments (an ordered block overrides them at its end).
   */
  function atOnce(): void {
    const read = shared ? `$m.read(${A}, ${B}, a)` : local ? `$m.lr(${A}, ${B}, a, ${delta})` : `${A}[${B} + a]`;
    let store = '';
    if (nv !== null) {
      store = `${A}[${B} + a] = ${nv};`;
      if (shared) store += ' $m.stored(a);';
      if (local) store += ` ${A}[${B} + a + ${delta}] = $m.w;${mode === 'atomic' ? ' $m.wroteLocal(a);' : ''}`;
      if (cas) store = s.wait ? `if (${storesNothing(s.op)}) break ${D}; ${store}` : `if (${cmp}) { ${store} }`; // a failed cmpxchg stores nothing
    }
    w.line(`$m.w = 0; const a = ${emitAddress(s.location, ctx)}; const old = ${read};`);
    w.line(`${argConsts(s, ctx)} const $ov = $m.w;`);
    if (store) w.line(store);
    result(opResult(s, 'old', `${A}[${B} + a]`), '$ov');
  }
}

/** `const x0 = ..., x1 = ...;`: an operation's arguments, each evaluated once, in order. */
function argConsts(s: OpStmt, ctx: ExprContext): string {
  return s.args.length ? `const ${s.args.map((a, i) => `x${i} = ${emitExpr(a, ctx)}`).join(', ')};` : '';
}

/** The value an operation stores (JS over `old`), range-checked; null when it stores nothing. */
function newValue(s: OpStmt, t: I.Type, ctx: ExprContext): string | null {
  const check = (v: string): string => {
    if (t.kind === 'int') return `$st(${v}, ${t.lo}, ${t.hi}, ${rangeMessage(s.location, t, ctx)})`;
    return t.kind === 'bool' ? `((${v}) ? 1 : 0)` : v;
  };
  switch (s.op) {
    case 'smp_load_acquire':
      return null;
    case 'xchg':
    case 'WRITE_ONCE':
    case 'smp_store_release':
      return check('x0');
    case 'cmpxchg':
    case 'try_cmpxchg':
      return `(old === +x0 ? ${check('x1')} : old)`;
    case 'add_unless':
      return `(old !== +x1 ? ${check('old + x0')} : old)`;
    case 'fetch_add':
    case 'add_return':
      return check('old + x0');
    case 'fetch_sub':
    case 'sub_return':
      return check('old - x0');
    case 'set_bit':
    case 'test_and_set_bit':
      return '1';
    case 'clear_bit':
    case 'test_and_clear_bit':
      return '0';
  }
}
