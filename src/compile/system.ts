// Assembles a checked model into a TransitionSystem: the state layout, the initial state,
// the per-instance automata, and the generated source of the successor, invariant and
// valid-end functions. A TransitionSystem is plain data; `instantiate` turns its source into
// functions (in the main thread or in a worker).
import * as I from '../check/ir.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import { lineCol, type Span } from '../parse/source.ts';
import { buildAutomaton, type Automaton, type Edge } from './automaton.ts';
import { armRuntime } from './arm.ts';
import { bounds, emitExpr, sharedRoot, type ExprContext, type Tables } from './emit-expr.ts';
import { atomicFrame, emitStmt, emitStore, forks } from './emit-step.ts';
import { buildLayout, flattenValue, type StateLayout } from './layout.ts';
import { emitPacking, planPacking, slotRange, type Packing } from './packing.ts';

/** What a step of the automaton was, for traces. */
export interface ActionInfo {
  readonly instance: number;
  readonly text: string; // the statement as written (first line)
  readonly span: Span;
  readonly outcome?: 'true' | 'false'; // for the two outcomes of a condition
  readonly drain?: boolean; // under tso: a store buffer entry reaching memory
}

export interface CompileOptions {
  /** Only these invariants (all when undefined). */
  readonly invariants?: readonly string[];
  /** The memory model: sc (default), or tso with store buffers of `storeBuffer` entries. */
  readonly memory?: 'sc' | 'tso' | 'arm';
  readonly storeBuffer?: number;
}

export interface TransitionSystem {
  readonly model: I.CheckedModel;
  readonly layout: StateLayout;
  readonly automata: readonly Automaton[]; // per instance
  readonly initial: Int32Array;
  readonly actions: readonly ActionInfo[];
  readonly invariantNames: readonly string[];
  /** Generated JS: the body of `function ($T)` returning `{ successors, invariants, validEnd, signal }`. */
  readonly source: string;
  readonly tables: readonly (Uint8Array | Int32Array)[];
  /** How a state packs into `packing.words` 32-bit words (what the engine stores and hashes). */
  readonly packing: Packing;
}

export function compile(model: I.CheckedModel, options: CompileOptions = {}): { system?: TransitionSystem; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const tso = options.memory === 'tso';
  const arm = options.memory === 'arm';
  const layout = buildLayout(model, tso || arm ? (options.storeBuffer ?? 2) : undefined, arm);
  const automata: Automaton[] = [];
  for (const inst of layout.instances) {
    const r = buildAutomaton(model.processes[inst.process], inst.param, tso ? 'full' : arm ? 'all' : 'none', arm);
    diagnostics.push(...r.diagnostics);
    if (r.automaton) automata.push(r.automaton);
  }
  // Each looping body is reported once, not once per instance.
  const unique = dedupe(diagnostics);
  if (unique.length) return { diagnostics: unique };

  const selected = options.invariants ?? model.invariants.map((i) => i.name);
  const invariants = model.invariants.filter((i) => selected.includes(i.name));

  const tables: (Uint8Array | Int32Array)[] = [];
  const messages: string[] = [];
  const tableNames = new Map<Uint8Array | Int32Array, string>();
  const tableApi: Tables = {
    table(values) {
      let name = tableNames.get(values);
      if (!name) {
        tables.push(values);
        name = `T${tables.length - 1}`;
        tableNames.set(values, name);
      }
      return name;
    },
    message(text) {
      messages.push(text);
      return `M[${messages.length - 1}]`;
    },
  };
  const labelCache = new Map<string, Uint8Array>();
  const labelTable = (instance: number, label: string): Uint8Array => {
    const key = `${instance}:${label}`;
    let t = labelCache.get(key);
    if (!t) {
      const a = automata[instance];
      t = new Uint8Array(a.nodes.length);
      for (const n of a.nodes) if (n.labels.includes(label)) t[n.id] = 1;
      labelCache.set(key, t);
    }
    return t;
  };
  const ctxFor = (
    instance: number | null,
    env: readonly (number | undefined)[],
    arr: string,
    base: string,
    bufferStores = false,
    armMode?: 'step' | 'atomic' | 'local',
  ): ExprContext => ({
    ...(tso && instance !== null ? { tso: { load: `LD${instance}`, bufferStores } } : {}),
    ...(arm && instance !== null && armMode ? { arm: { instance, mode: armMode, delta: layout.instances[instance].arm!.localViews - (layout.instances[instance].pcSlot + 1) } } : {}),
    arr,
    base,
    layout,
    model,
    instance,
    env,
    tables: tableApi,
    labelTable,
    terminalPc: (i) => automata[i].terminal,
  });

  const W = layout.width;
  const actions: ActionInfo[] = [];
  const body: string[] = [];
  const alloc = `if (n === out.capacity) { out.grow(); ob = out.buf; eb = out.actions; } o = n * ${W}; for (let j = 0; j < ${W}; j++) ob[o + j] = s[so + j];`;
  const commit = (pcSlot: number, next: number, action: number) => `ob[o + ${pcSlot}] = ${next}; eb[n++] = ${action};`;

  layout.instances.forEach((inst, ii) => {
    const a = automata[ii];
    const cases: string[] = [];
    for (const node of a.nodes) {
      if (node.edges.length === 0) continue;
      const code = node.edges.map((e) => (arm ? armEdge(e, ii, inst.pcSlot) : emitEdge(e, ii, inst.pcSlot))).join('\n');
      cases.push(`case ${node.id}: {\n${code}\nbreak;\n}`);
    }
    if (cases.length) body.push(`// ${inst.name}\nswitch (s[so + ${inst.pcSlot}]) {\n${cases.join('\n')}\n}`);
  });
  // Under tso, after every process step: the memory system moves the oldest entry of each
  // non-empty store buffer to memory.
  if (tso) {
    const plan = layout.buffers!;
    layout.instances.forEach((inst, ii) => {
      const sb = inst.storeBuffer!;
      const id = actions.length;
      actions.push({ instance: ii, text: '(drain) oldest buffered store -> memory', span: model.processes[inst.process].span, drain: true });
      const E = sb.firstEntry;
      const shift: string[] = [];
      for (let k = 0; k + 1 < sb.size; k++) shift.push(`ob[o + ${E + 2 * k}] = ob[o + ${E + 2 * k + 2}]; ob[o + ${E + 2 * k + 1}] = ob[o + ${E + 2 * k + 3}];`);
      const last = E + 2 * (sb.size - 1);
      body.push(
        `// drain ${inst.name}\nif (s[so + ${sb.countSlot}] > 0) { A = ${id}; ${alloc} ob[o + ob[o + ${E}]] = ob[o + ${E + 1}]; ${shift.join(' ')} ob[o + ${last}] = ${plan.loc.lo}; ob[o + ${last + 1}] = ${plan.val.lo}; ob[o + ${sb.countSlot}]--; eb[n++] = ${id}; }`,
      );
    });
  }

  // Under arm, after every process step: the memory system commits any pending store that
  // may reach memory (docs/memory-models.md), oldest first.
  if (arm) {
    layout.instances.forEach((inst, ii) => {
      const sb = inst.storeBuffer!;
      const id = actions.length;
      actions.push({ instance: ii, text: '(commit) a buffered store -> memory', span: model.processes[inst.process].span, drain: true });
      body.push(
        `// commit ${inst.name}\nfor (let k = 0, c = s[so + ${sb.countSlot}]; k < c; k++) { if (!$el(s, so, ${ii}, k)) continue; A = ${id}; ${alloc} $cm(ob, o, ${ii}, k); $nm(ob, o); eb[n++] = ${id}; }`,
      );
    });
  }

  /** Whether statements or expressions mention a shared (ghost: false) or ghost location. */
  function mentions(stmts: unknown, ghost = false): boolean {
    let found = false;
    const walk = (x: unknown): void => {
      if (found || !x || typeof x !== 'object') return;
      if (Array.isArray(x)) {
        x.forEach(walk);
        return;
      }
      const node = x as { kind?: unknown; global?: unknown };
      if (node.kind === 'global' && typeof node.global === 'number' && model.globals[node.global].ghost === ghost) {
        found = true;
        return;
      }
      for (const [k, v] of Object.entries(x)) if (k !== 'span' && k !== 'type') walk(v);
    };
    walk(stmts);
    return found;
  }

  /**
   * Under arm, every edge runs on the successor's copy, once per sequence of choices (which
   * message each load reads, `any`, `either`), like a forking atomic block.
   */
  function armEdge(e: Edge, ii: number, pcSlot: number): string {
    const inst = layout.instances[ii];
    const sb = inst.storeBuffer!;
    let mode: 'step' | 'atomic' | 'local' = 'step';
    if (e.kind === 'atomic') mode = mentions(e.stmt.body) ? 'atomic' : 'local';
    const ctx = ctxFor(ii, e.env, 'ob', 'o', false, mode);
    checkArmShapes(e.stmt);
    // A step that reads or writes a ghost location observes all of memory afterwards.
    const sync = mentions(e.kind === 'cond' ? e.stmt.cond : e.kind === 'atomic' ? e.stmt.body : e.stmt, true) ? `$gsync(ob, o, ${ii}); ` : '';
    const commitTo = (next: number, act: number) => `${sync}$nm(ob, o); ob[o + ${pcSlot}] = ${next}; eb[n++] = ${act};`;
    let guard = '';
    let run: string;
    let first: number;
    switch (e.kind) {
      case 'cond': {
        first = action(ii, e.stmt.span);
        const t = action(ii, e.stmt.span, 'true');
        const f = action(ii, e.stmt.span, 'false');
        run = `$w = 0; const c = ${emitExpr(e.stmt.cond, ctx)}; $cap(ob, o, ${ii}); ok = 1; if (c) { A = ${t}; ${commitTo(e.then, t)} } else { A = ${f}; ${commitTo(e.else, f)} }`;
        break;
      }
      case 'atomic': {
        first = action(ii, e.stmt.span);
        if (mode === 'atomic') guard = `s[so + ${sb.countSlot}] === 0`;
        const end = mode === 'atomic' ? `$aend(ob, o, s, so, ${ii});` : '';
        run = `$ops = 0; $mkReset(); ${emitStmt(e.stmt, ctx, atomicFrame('X'))}\n ${end} ok = 1; ${commitTo(e.next, first)}`;
        break;
      }
      case 'step': {
        first = action(ii, e.stmt.span);
        const st = e.stmt;
        let code: string;
        switch (st.kind) {
          case 'await':
            code = `$w = 0; if (!(${emitExpr(st.cond, ctx)})) break X; $cap(ob, o, ${ii});`;
            break;
          case 'any': {
            const [lo] = bounds(st.over);
            code = emitStore(st.target, `${lo} + $choose(${I.typeSize(st.over)})`, ctx, '0');
            break;
          }
          default:
            code = emitStmt(st, ctx, atomicFrame('X'));
        }
        if (st.kind === 'fence' && (st.fence === 'smp_mb' || st.fence === 'dsb')) guard = `s[so + ${sb.countSlot}] === 0`;
        if (st.kind === 'op') {
          const shared = sharedRoot(st.location, model);
          const room = `s[so + ${sb.countSlot}] < ${sb.size}`;
          const resultShared = st.result !== null && sharedRoot(st.result, model);
          if (st.op === 'smp_load_acquire') guard = `$noRelease(s, so, ${ii})${resultShared ? ` && ${room}` : ''}`;
          else if (st.op === 'smp_store_release' || st.op === 'set_bit' || st.op === 'clear_bit') guard = shared ? room : '';
          else guard = `s[so + ${sb.countSlot}] === 0`; // every RMW, whatever its location
        }
        if ((st.kind === 'assign' || st.kind === 'any') && sharedRoot(st.target, model)) guard = `s[so + ${sb.countSlot}] < ${sb.size}`;
        run = `${code} ok = 1; ${commitTo(e.next, first)}`;
        break;
      }
    }
    const loop = `$cl = 0; for (;;) { $cp = 0; ${alloc} let ok = 0; X: { ${run} } $cl = $cp; while ($cl > 0 && $ch[$cl - 1] === $ar[$cl - 1] - 1) $cl--; if ($cl === 0) break; $ch[$cl - 1]++; }`;
    const code = `A = ${first}; ${loop}`;
    return guard ? `if (${guard}) { ${code} }` : `{ ${code} }`;
  }

  /** What arm cannot run: a whole shared array or struct loaded or stored in one step. */
  function checkArmShapes(s: I.Stmt): void {
    if (s.kind === 'assign' && !I.isScalar(s.target.type) && (sharedRoot(s.target, model) || sharedRoot(s.value, model)))
      diagnostics.push(diag('arm', 'under --memory arm, a whole array or struct of a shared location cannot be loaded or stored in one step: copy it element by element', s.span));
    for (const v of Object.values(s)) {
      if (!Array.isArray(v)) continue;
      for (const x of v) {
        if (Array.isArray(x)) x.forEach((y: I.Stmt) => checkArmShapes(y));
        else if (x && typeof x === 'object' && 'kind' in x && STMT_KINDS.has((x as { kind: string }).kind) && !('type' in x)) checkArmShapes(x as I.Stmt);
      }
    }
  }

  function action(instance: number, span: Span, outcome?: 'true' | 'false'): number {
    const text = span.file.text.slice(span.start, span.end).split('\n')[0].trim();
    actions.push({ instance, text, span, outcome });
    return actions.length - 1;
  }

  function emitEdge(e: Edge, ii: number, pcSlot: number): string {
    const onS = ctxFor(ii, e.env, 's', 'so');
    const onOut = ctxFor(ii, e.env, 'ob', 'o', e.kind === 'step' && (e.stmt.kind === 'assign' || e.stmt.kind === 'any'));
    const code = edgeCode(e, ii, pcSlot, onS, onOut);
    const sb = layout.instances[ii].storeBuffer;
    if (!sb) return code;
    // Under tso: atomic blocks, read-modify-writes and full fences wait for an empty buffer;
    // a plain store to a shared location waits for room in it.
    const s = e.stmt;
    if (e.kind === 'atomic' || (e.kind === 'step' && (s.kind === 'op' || s.kind === 'fence'))) return `if (s[so + ${sb.countSlot}] === 0) { ${code} }`;
    if (e.kind === 'step' && (s.kind === 'assign' || s.kind === 'any') && sharedRoot(s.target, model)) {
      if (!I.isScalar(s.target.type)) diagnostics.push(diag('tso', 'under --memory tso, a whole array or struct cannot be stored to a shared location in one step: copy it element by element', s.span));
      return `if (s[so + ${sb.countSlot}] < ${sb.size}) { ${code} }`;
    }
    return code;
  }

  function edgeCode(e: Edge, ii: number, pcSlot: number, onS: ExprContext, onOut: ExprContext): string {
    switch (e.kind) {
      case 'cond': {
        // The evaluation itself may fail (a range or division error): that is `c`.
        const c = action(ii, e.stmt.span);
        const t = action(ii, e.stmt.span, 'true');
        const f = action(ii, e.stmt.span, 'false');
        return `A = ${c}; if (${emitExpr(e.stmt.cond, onS)}) { A = ${t}; ${alloc} ${commit(pcSlot, e.then, t)} } else { A = ${f}; ${alloc} ${commit(pcSlot, e.else, f)} }`;
      }
      case 'step': {
        const id = action(ii, e.stmt.span);
        const s = e.stmt;
        switch (s.kind) {
          case 'await':
            return `A = ${id}; if (${emitExpr(s.cond, onS)}) { ${alloc} ${commit(pcSlot, e.next, id)} }`;
          case 'skip':
            return `A = ${id}; ${alloc} ${commit(pcSlot, e.next, id)}`;
          case 'any': {
            const [lo, hi] = bounds(s.over);
            return `A = ${id}; for (let c = ${lo}; c <= ${hi}; c++) { ${alloc} ${emitStore(s.target, 'c', onOut)} ${commit(pcSlot, e.next, id)} }`;
          }
          default:
            return `A = ${id}; ${alloc} ${emitStmt(s, onOut, atomicFrame('X'))} ${commit(pcSlot, e.next, id)}`;
        }
      }
      case 'atomic': {
        const id = action(ii, e.stmt.span);
        const blk = `B${id}`;
        const run = `let ok = 0; $ops = 0; ${blk}: { ${emitStmt(e.stmt, onOut, atomicFrame(blk))}\n ok = 1; } if (ok) { ${commit(pcSlot, e.next, id)} }`;
        if (!forks(e.stmt.body)) return `A = ${id}; { ${alloc} ${run} }`;
        return `A = ${id}; $cl = 0; for (;;) { $cp = 0; ${alloc} ${run} $cl = $cp; while ($cl > 0 && $ch[$cl - 1] === $ar[$cl - 1] - 1) $cl--; if ($cl === 0) break; $ch[$cl - 1]++; }`;
      }
    }
  }

  if (diagnostics.length) return { diagnostics: dedupe(diagnostics) };

  const invCode = invariants
    .map((inv, k) => `if (!(${emitExpr(inv.expr, ctxFor(null, [], 's', 'so'))})) return ${k};`)
    .join('\n');
  const ends = layout.instances
    .map((inst, ii) => {
      if (model.processes[inst.process].background) return null;
      const a = automata[ii];
      const t = new Uint8Array(a.nodes.length);
      for (const n of a.nodes) if (n.terminal || n.labels.some((l) => l.startsWith('end'))) t[n.id] = 1;
      return `${tableApi.table(t)}[s[so + ${inst.pcSlot}]] === 1`;
    })
    .filter((x) => x !== null);

  const packing = planPacking(
    layout.slotNames.map((sn, slot) => {
      if (sn.range) return sn.range;
      if (sn.buffer === 'view') return { lo: 0, hi: layout.arm!.maxView };
      if (sn.buffer === 'flags') return { lo: 0, hi: 3 };
      if (sn.buffer) {
        const plan = layout.buffers!;
        return sn.buffer === 'count' ? { lo: 0, hi: plan.size } : sn.buffer === 'loc' ? plan.loc : plan.val;
      }
      const owner = layout.instances.findIndex((inst) => inst.pcSlot === slot);
      return slotRange(sn.type, owner >= 0 ? automata[owner].nodes.length : 0);
    }),
  );
  // Under tso: one load function per instance, forwarding from its own buffer, newest first.
  const loads = layout.instances
    .map((inst, ii) => {
      const sb = inst.storeBuffer;
      if (!sb) return '';
      return `function LD${ii}(arr, base, a) { for (let k = arr[base + ${sb.countSlot}] - 1; k >= 0; k--) if (arr[base + ${sb.firstEntry} + 2 * k] === a) return arr[base + ${sb.firstEntry} + 2 * k + 1]; return arr[base + a]; }`;
    })
    .join('\n');

  const source = [
    ...tables.map((_, i) => `const T${i} = $T[${i}];`),
    `const M = ${JSON.stringify(messages)};`,
    PRELUDE,
    arm ? armRuntime(layout) : '',
    loads,
    `function successors(s, so, out) {`,
    `  let ob = out.buf, eb = out.actions, n = 0, o = 0, A = -1;`,
    `  try {`,
    body.join('\n'),
    `  } catch (x) {`,
    `    if (x !== $V) throw x;`,
    `    out.count = n; out.failedAction = A; return -1;`,
    `  }`,
    `  out.count = n; return n;`,
    `}`,
    `function invariants(s, so) {`,
    `  try {`,
    invCode,
    `  } catch (x) { if (x !== $V) throw x; return -2; }`,
    `  return -1;`,
    `}`,
    `function validEnd(s, so) { return ${ends.length ? ends.join(' && ') : 'true'}; }`,
    emitPacking(packing),
    `return { successors, invariants, validEnd, pack, unpack, signal: $V };`,
  ].join('\n');

  const init: number[] = [];
  for (const g of model.globals) flattenValue(g.init, init);
  const initial = new Int32Array(W);
  initial.set(init, 0);
  if (layout.arm) {
    // Older-message slots hold fixed values when unused; timestamps and views start at 0.
    for (let li = 0; li < layout.arm.locations.length; li++) {
      const m = layout.arm.memory + li * layout.arm.stride;
      for (let k = 0; k <= layout.buffers!.size; k++) initial[m + 2 + 2 * k] = layout.buffers!.val.lo;
    }
  }
  layout.instances.forEach((inst) => {
    initial[inst.pcSlot] = 0;
    const sb = inst.storeBuffer;
    if (sb) {
      // Empty entries hold fixed values, so that equal buffers are equal states.
      for (let k = 0; k < sb.size; k++) {
        initial[sb.firstEntry + sb.entrySize * k] = layout.buffers!.loc.lo;
        initial[sb.firstEntry + sb.entrySize * k + 1] = layout.buffers!.val.lo;
      }
    }
    const p = model.processes[inst.process];
    p.locals.forEach((l, li) => {
      const vals: number[] = [];
      flattenValue(l.init, vals);
      initial.set(vals, inst.localSlots[li]);
    });
  });

  return {
    system: {
      model,
      layout,
      automata,
      initial,
      actions,
      invariantNames: invariants.map((i) => i.name),
      source,
      tables,
      packing,
    },
    diagnostics: [],
  };
}

const STMT_KINDS = new Set<string>(['assign', 'any', 'op', 'await', 'assert', 'skip', 'fence', 'if', 'while', 'loop', 'for', 'either', 'atomic', 'break', 'continue', 'inline', 'return', 'label']);

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.message}@${d.span?.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Helpers shared by every generated function. A violation is signalled by throwing $V, a
// single preallocated object, so the common path pays nothing.
const PRELUDE = `
const $V = { kind: '', message: '' };
function $viol(kind, message) { $V.kind = kind; $V.message = message; throw $V; }
function $ix(v, lo, hi, what) { if (v < lo || v > hi) $viol('range', 'index ' + v + ' of ' + what + ' is outside ' + lo + '..' + hi); return v - lo; }
function $st(v, lo, hi, what) { if (v < lo || v > hi) $viol('range', what.replace('%v', String(v))); return v; }
function $div(a, b, what) { if (b === 0) $viol('division', 'division by zero in ' + what); return Math.trunc(a / b); }
function $mod(a, b, what) { if (b === 0) $viol('division', 'modulo by zero in ' + what); return a % b; }
const $ch = new Int32Array(1 << 16), $ar = new Int32Array(1 << 16);
let $cp = 0, $cl = 0, $ops = 0;
function $choose(k) {
  if ($cp < $cl) return $ch[$cp++];
  if ($cp >= $ch.length) throw new Error('an atomic block made more than 65536 choices');
  $ch[$cp] = 0; $ar[$cp] = k; $cp++; return 0;
}
function $tick(k) { $ops += k; if ($ops > 100000) throw new AtomicTooLong(); }
class AtomicTooLong extends Error { constructor() { super('an atomic block ran more than 100,000 statements'); this.name = 'AtomicTooLong'; } }
`;

export interface Kernel {
  successors(s: Int32Array, so: number, out: SuccessorBuffer): number;
  invariants(s: Int32Array, so: number): number;
  validEnd(s: Int32Array, so: number): boolean;
  /** Packs the state at s[so..] into d[dof..] (packing.words words), and back. */
  pack(s: Int32Array, so: number, d: Int32Array, dof: number): void;
  unpack(d: Int32Array, dof: number, s: Int32Array, so: number): void;
  readonly signal: { kind: string; message: string };
}

/** Where `successors` writes: states back to back, and the action that made each. */
export class SuccessorBuffer {
  buf: Int32Array;
  actions: Int32Array;
  capacity: number;
  count = 0;
  failedAction = -1;
  constructor(readonly width: number, capacity = 64) {
    this.capacity = capacity;
    this.buf = new Int32Array(capacity * width);
    this.actions = new Int32Array(capacity);
  }
  grow(): void {
    const buf = new Int32Array(this.buf.length * 2);
    buf.set(this.buf);
    const actions = new Int32Array(this.capacity * 2);
    actions.set(this.actions);
    this.buf = buf;
    this.actions = actions;
    this.capacity *= 2;
  }
}

export function instantiate(system: Pick<TransitionSystem, 'source' | 'tables'>): Kernel {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('$T', system.source) as (t: readonly (Uint8Array | Int32Array)[]) => Kernel;
  return make(system.tables);
}

/** The line of an action, prefixed with its file when that is not the model's main file. */
export function actionLine(a: ActionInfo, mainFile?: { path: string }): string {
  const line = lineCol(a.span.file, a.span.start).line;
  if (!mainFile || a.span.file.path === mainFile.path) return String(line);
  return `${a.span.file.path.split('/').pop()}:${line}`;
}

