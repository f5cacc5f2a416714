// Compiles a checked model into a TransitionSystem, in passes: the state layout, one automaton
// per process instance, validation against the memory model, then the generated kernel. A
// TransitionSystem is a value; `instantiate` turns its source into functions (in the main
// thread or in a worker), handing the generated code its runtime.
import * as IR from '../check/ir.ts';
import { memoryModel, memoryRuntime, memorySpec, type MemoryModel, type MemoryModelName } from '../memory/index.ts';
import type { RuntimeDescription } from '../memory/model.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import { MAX_INSTANCES, MAX_STATE_VALUES, MAX_SUCCESSOR_VALUES, MAX_TOTAL_STATEMENTS } from '../parse/bounds.ts';
import { lineCol } from '../parse/source.ts';
import { buildAutomaton, type Automaton } from './automaton.ts';
import { emitKernel, type ActionInfo } from './emit-kernel.ts';
import { buildLayout, flattenValue, slotCount, type StateLayout } from './layout.ts';
import { planPacking, slotRange, type Packing } from './packing.ts';
import { Canonicalizer } from './canonical.ts';
import { kernelRuntime, ModelError, type ViolationSignal } from './runtime.ts';
import { buildSymmetry, type SymmetryPlan } from './symmetry.ts';

export type { ActionInfo } from './emit-kernel.ts';

export interface CompileOptions {
  /** Only these invariants (all when undefined). */
  readonly invariants?: readonly string[];
  /** Only these temporal properties (all when undefined; none with an empty list). */
  readonly properties?: readonly string[];
  /** Symmetry reduction over the model's symmetric types (default on; off: every state). */
  readonly symmetry?: boolean;
  /** The memory model (default sc), and its store-buffer bound when it has buffers. */
  readonly memory?: MemoryModelName;
  readonly storeBuffer?: number;
}

export interface TransitionSystem {
  readonly model: IR.CheckedModel;
  /** The memory model that built this system: its spec, and its part of a state for traces. */
  readonly memory: MemoryModel;
  readonly layout: StateLayout;
  readonly automata: readonly Automaton[]; // per instance
  readonly initial: Int32Array;
  readonly actions: readonly ActionInfo[];
  readonly invariantNames: readonly string[];
  /** The temporal properties checked, in declaration order (the kernel's `properties` order). */
  readonly properties: readonly IR.Property[];
  /**
   * Weak fairness: the fair unit of each action (-1: the action belongs to no fair unit), and
   * the name of each unit. Instance i's own steps are unit i (when its process is fair), its
   * memory system's steps (drains, commits) unit instances + i.
   */
  readonly fairUnitOf: Int32Array;
  readonly fairUnitNames: readonly string[];
  /** Generated JS: the body of `function ($T, $R, $m)` returning the kernel's functions. */
  readonly source: string;
  readonly tables: readonly (Uint8Array | Int32Array)[];
  /** What the generated code calls as `$m` (plain data, so workers can rebuild it). */
  readonly runtime: RuntimeDescription | null;
  /** How a state packs into `packing.words` 32-bit words (what the engine stores and hashes). */
  readonly packing: Packing;
  /** How renamings act on a state, when states are reduced to orbits (null: they are not). */
  readonly symmetry: SymmetryPlan | null;
}

export function compile(model: IR.CheckedModel, options: CompileOptions = {}): { system?: TransitionSystem; diagnostics: Diagnostic[] } {
  const memory = memoryModel(memorySpec(options.memory ?? 'sc', options.storeBuffer));
  const tooBig = sizeDiagnostic(model);
  if (tooBig) return { diagnostics: [tooBig] };
  const layout = buildLayout(model, memory);
  const widest = model.processes.reduce((m, p) => (p.param ? Math.max(m, IR.typeSize(p.param.type)) : m), 1);
  if (layout.width * widest > MAX_SUCCESSOR_VALUES) {
    const p = model.processes.find((q) => q.param && IR.typeSize(q.param.type) === widest)!;
    return {
      diagnostics: [
        diag(
          'size',
          `${widest.toLocaleString('en-US')} instances of '${p.name}' in a state of ${layout.width.toLocaleString('en-US')} values: one state's successors would not fit in ${MAX_SUCCESSOR_VALUES.toLocaleString('en-US')} values (docs/limits.md)`,
          p.span,
        ),
      ],
    };
  }
  if (layout.width > MAX_STATE_VALUES)
    return {
      diagnostics: [
        diag(
          'size',
          `the state holds ${layout.width.toLocaleString('en-US')} values under --memory ${options.memory ?? 'sc'}: at most ${MAX_STATE_VALUES.toLocaleString('en-US')} (docs/limits.md)`,
          {
            file: model.mainFile,
            start: 0,
            end: 0,
          },
        ),
      ],
    };

  const automata: Automaton[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const inst of layout.instances) {
    const r = buildAutomaton(model.processes[inst.process], inst.param, memory);
    diagnostics.push(...r.diagnostics);
    if (r.automaton) automata.push(r.automaton);
  }
  if (diagnostics.length) return { diagnostics: dedupe(diagnostics) };

  for (const a of automata) for (const node of a.nodes) for (const e of node.edges) diagnostics.push(...memory.validate(e));
  if (diagnostics.length) return { diagnostics: dedupe(diagnostics) };

  const selected = options.invariants ?? model.invariants.map((i) => i.name);
  const invariants = model.invariants.filter((i) => selected.includes(i.name));
  const ownerOfPc = new Map(layout.instances.map((inst, i) => [inst.pcSlot, i]));
  const ranges = layout.slotNames.map((sn, slot) => {
    if (sn.range) return sn.range;
    const owner = ownerOfPc.get(slot) ?? -1;
    return slotRange(sn.type, owner >= 0 ? automata[owner].nodes.length : 0);
  });
  const packing = planPacking(ranges);
  const selectedProps = options.properties ?? model.properties.map((p) => p.name);
  const properties = model.properties.filter((p) => selectedProps.includes(p.name));
  const kernel = emitKernel(model, layout, automata, memory, invariants, properties, packing);
  const I = layout.instances.length;
  const fairUnitOf = Int32Array.from(kernel.actions, (a) => {
    if (a.memory) return I + a.instance;
    return model.processes[layout.instances[a.instance].process].fair ? a.instance : -1;
  });
  const fairUnitNames = [...layout.instances.map((inst) => inst.name), ...layout.instances.map((inst) => `${inst.name} (${memory.environmentName})`)];

  return {
    system: {
      model,
      memory,
      layout,
      automata,
      initial: initialState(model, layout),
      actions: kernel.actions,
      invariantNames: invariants.map((i) => i.name),
      properties,
      fairUnitOf,
      fairUnitNames,
      source: kernel.source,
      tables: kernel.tables,
      runtime: memory.runtime(),
      packing,
      symmetry: options.symmetry === false ? null : buildSymmetry(model, layout, memory, ranges),
    },
    diagnostics: [],
  };
}

/**
 * Globals and locals at their initial values, every pc at its automaton's start, and every
 * slot of the memory model at the low end of its range (empty buffers, timestamps 0).
 */
function initialState(model: IR.CheckedModel, layout: StateLayout): Int32Array {
  const initial = new Int32Array(layout.width);
  layout.slotNames.forEach((sn, slot) => {
    if (sn.range) initial[slot] = sn.range.lo;
  });
  const globals: number[] = [];
  for (const g of model.globals) flattenValue(g.init, globals);
  initial.set(globals, 0);
  for (const inst of layout.instances) {
    initial[inst.pcSlot] = 0;
    model.processes[inst.process].locals.forEach((l, li) => {
      const vals: number[] = [];
      flattenValue(l.init, vals);
      initial.set(vals, inst.localSlots[li]);
    });
  }
  return initial;
}

/**
 * The bounds on instances and state values (docs/limits.md), checked before anything is laid
 * out: at the process or location that passes them.
 */
function sizeDiagnostic(model: IR.CheckedModel): Diagnostic | undefined {
  let values = 0;
  for (const g of model.globals) {
    values += slotCount(g.type);
    if (values > MAX_STATE_VALUES)
      return diag('size', `the shared locations hold more than ${MAX_STATE_VALUES.toLocaleString('en-US')} values (docs/limits.md)`, g.span);
  }
  let instances = 0;
  let statements = 0;
  for (const p of model.processes) {
    const n = p.param ? IR.typeSize(p.param.type) : 1;
    instances += n;
    if (instances > MAX_INSTANCES) return diag('size', `more than ${MAX_INSTANCES.toLocaleString('en-US')} process instances in all (docs/limits.md)`, p.span);
    // Every instance gets its own automaton: the work of compiling is instances x statements.
    statements += n * statementCount(p.body);
    if (statements > MAX_TOTAL_STATEMENTS)
      return diag(
        'size',
        `with the instances of '${p.name}', the processes expand to more than ${MAX_TOTAL_STATEMENTS.toLocaleString('en-US')} statements in all (instances x statements, inline calls and for loops expanded; docs/limits.md)`,
        p.span,
      );
    values += n * (1 + p.locals.reduce((k, l) => k + slotCount(l.type), 0));
    if (values > MAX_STATE_VALUES)
      return diag(
        'size',
        `with the instances of '${p.name}', the state holds more than ${MAX_STATE_VALUES.toLocaleString('en-US')} values (docs/limits.md)`,
        p.span,
      );
  }
  return undefined;
}

/** Statements of a body once inline calls and `for` loops are expanded (without recursion). */
function statementCount(body: readonly IR.Stmt[]): number {
  let total = 0;
  const stack: [readonly IR.Stmt[], number][] = [[body, 1]];
  while (stack.length) {
    const [list, times] = stack.pop()!;
    for (const st of list) {
      total += times;
      if (total > MAX_TOTAL_STATEMENTS) return total;
      if (st.kind === 'if') stack.push([st.then, times], [st.else, times]);
      else if (st.kind === 'for') stack.push([st.body, times * IR.typeSize(st.over)]);
      else if (st.kind === 'while' || st.kind === 'loop' || st.kind === 'atomic' || st.kind === 'inline') stack.push([st.body, times]);
      else if (st.kind === 'either') for (const b of st.branches) stack.push([b, times]);
    }
  }
  return total;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.message}@${d.span?.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface Kernel {
  /**
   * Writes every successor of the state at s[so..] into `out` and returns how many; -1 when a
   * step failed (a violation: out.count successors stand before it, out.failedAction is the
   * step). A model error is thrown, with out.failedAction set to the step that was running.
   */
  successors(s: Int32Array, so: number, out: SuccessorBuffer): number;
  /** -1 when every invariant holds, k when invariant k is false, -2 when evaluating one failed. */
  invariants(s: Int32Array, so: number): number;
  /** Per temporal property k: out[k] bit 0 when its Q holds in the state, bit 1 when its P does. */
  properties(s: Int32Array, so: number, out: Uint8Array): void;
  validEnd(s: Int32Array, so: number): boolean;
  /** Packs the state at s[so..] into d[dof..] (packing.words words), and back. */
  pack(s: Int32Array, so: number, d: Int32Array, dof: number): void;
  unpack(d: Int32Array, dof: number, s: Int32Array, so: number): void;
  readonly signal: ViolationSignal;
  /** With symmetry reduction: replaces the state at s[so..] by the canonical member of its orbit. */
  readonly canonicalize?: (s: Int32Array, so: number) => void;
}

/** Where `successors` writes: states back to back, and the action that made each. */
export class SuccessorBuffer {
  buf: Int32Array;
  actions: Int32Array;
  capacity: number;
  count = 0;
  failedAction = -1;
  constructor(
    readonly width: number,
    capacity = 64,
  ) {
    this.capacity = capacity;
    this.buf = new Int32Array(capacity * width);
    this.actions = new Int32Array(capacity);
  }
  grow(): void {
    // One state's successors, all of them at once: bounded, so that no state (thousands of
    // instances, or any() over a wide range in a wide state) takes gigabytes to expand.
    if (this.buf.length * 2 > MAX_SUCCESSOR_VALUES)
      throw new ModelError(
        `one state has more successors than fit in ${MAX_SUCCESSOR_VALUES.toLocaleString('en-US')} values (${this.capacity.toLocaleString('en-US')} successors of ${this.width.toLocaleString('en-US')} values so far; docs/limits.md)`,
      );
    const buf = new Int32Array(this.buf.length * 2);
    buf.set(this.buf);
    const actions = new Int32Array(this.capacity * 2);
    actions.set(this.actions);
    this.buf = buf;
    this.actions = actions;
    this.capacity *= 2;
  }
}

export function instantiate(system: Pick<TransitionSystem, 'source' | 'tables' | 'runtime' | 'symmetry'>): Kernel {
  const runtime = kernelRuntime();
  const memory = memoryRuntime(system.runtime, runtime.choices) as { tidy?: (s: Int32Array, so: number) => void } | undefined;
  const make = new Function('$T', '$R', '$m', system.source) as (t: typeof system.tables, r: typeof runtime, m: unknown) => Omit<Kernel, 'signal'>;
  const kernel = { ...make(system.tables, runtime, memory), signal: runtime.signal };
  if (!system.symmetry) return kernel;
  const canon = new Canonicalizer(system.symmetry, memory?.tidy?.bind(memory));
  return { ...kernel, canonicalize: (s, so) => canon.canonicalize(s, so) };
}

/** The line of an action, prefixed with its file when that is not the model's main file. */
export function actionLine(a: ActionInfo, mainFile?: { path: string }): string {
  const line = lineCol(a.span.file, a.span.start).line;
  if (!mainFile || a.span.file.path === mainFile.path) return String(line);
  return `${a.span.file.path.split('/').pop()}:${line}`;
}
