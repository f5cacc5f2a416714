// A memory model, as the compiler sees it. One module per model (sc.ts, tso.ts, arm.ts)
// implements this interface; nothing outside src/memory asks which model it is running. A
// model says which barriers are steps, adds its slots to the state layout, decides how each
// automaton edge reads and writes memory, adds its own steps (drains, commits), hands the
// generated code its runtime, and describes its part of a state for traces.
import type * as I from '../check/ir.ts';
import type { Access } from '../compile/access.ts';
import type { Edge, Env } from '../compile/automaton.ts';
import type { CodeWriter } from '../compile/code-writer.ts';
import type { ExprContext, Tables } from '../compile/emit-expr.ts';
import type { InstanceLayout, LayoutBuilder, StateLayout } from '../compile/layout.ts';
import type { Diagnostic } from '../parse/diagnostic.ts';
import type { Span } from '../parse/source.ts';

export const MEMORY_MODEL_NAMES = ['sc', 'tso', 'arm'] as const;
export type MemoryModelName = (typeof MEMORY_MODEL_NAMES)[number];

/** Which memory model, and its bound (pending stores per process) when it has buffers. */
export interface MemorySpec {
  readonly name: MemoryModelName;
  readonly storeBuffer?: number;
}

/** The default bound of store buffers (and, under arm, of older messages per location). */
export const DEFAULT_STORE_BUFFER = 2;

/** What the compiler offers a memory model while it emits one kernel. */
export interface EmitHost {
  readonly model: I.CheckedModel;
  readonly layout: StateLayout;
  readonly tables: Tables;
  /** An expression context for the code of `instance` over `arr[base..]`. */
  context(instance: number | null, env: Env, arr: string, base: string, access: Access): ExprContext;
  /** Registers a step for traces (a statement, or one outcome of a condition); its action id. */
  action(instance: number, span: Span, outcome?: 'true' | 'false'): number;
  /** Registers a step of the memory system on behalf of `instance` (a drain, a commit). */
  memoryAction(instance: number, text: string): number;
  /** Writes the lines that make the next successor a copy of the source state, at `ob[o..]`. */
  alloc(w: CodeWriter): void;
  /** A fresh JS label. */
  fresh(prefix: string): string;
}

/** The code of one process step: what the compiler's default lowering needs from the model. */
export interface StepAccess {
  /** Reads made before the successor exists (conditions, awaits), on `s[so..]`. */
  readonly onSource: Access;
  /** Reads and writes on the successor `ob[o..]`. */
  readonly onSuccessor: Access;
  /** A JS condition on `s[so..]` under which the step is enabled at all (empty: always). */
  readonly guard: string;
}

/** A store buffer as traces show it: the slots it is made of, and its contents as text. */
export interface BufferView {
  readonly slots: readonly number[];
  /** Its pending stores, oldest first, each as `location=value` (with the model's marks). */
  entries(state: Int32Array): string[];
  text(state: Int32Array): string;
}

/** Plain data from which a worker thread rebuilds the model's runtime. */
export interface RuntimeDescription {
  readonly model: MemoryModelName;
  readonly data: unknown;
}

export interface MemoryModel {
  readonly spec: MemorySpec;
  /** What its own steps are called in traces and fairness ("drains", "commits"). */
  readonly environmentName: string;
  /** Whether a barrier is a step of its own (the others are resolved away at compile time). */
  fenceIsStep(f: I.FenceName): boolean;
  /** Whether smp_load_acquire/smp_store_release order anything (else they are plain accesses). */
  readonly ordersAcquireRelease: boolean;
  /** Adds the model's slots for the whole memory, after the globals. */
  addGlobalSlots(b: LayoutBuilder, globalSlots: readonly number[]): void;
  /** Adds the model's slots for one process instance, after its locals. */
  addInstanceSlots(b: LayoutBuilder, instance: InstanceLayout, index: number): void;
  /** What this model cannot run, reported at the statement. */
  validate(e: Edge): Diagnostic[];
  /**
   * How the default lowering of a process step reads and writes, and when it is enabled; or
   * `emitStep` to lower the step entirely.
   */
  stepAccess?(e: Edge, instance: number): StepAccess;
  emitStep?(w: CodeWriter, e: Edge, instance: number, host: EmitHost): void;
  /** Writes the memory system's own steps, after every process step. */
  emitEnvironment(w: CodeWriter, host: EmitHost): void;
  /** The runtime the generated code calls as `$m`, or null when it needs none. */
  runtime(): RuntimeDescription | null;
  /** An instance's store buffer for traces, or null when the model has none. */
  buffer(instance: number): BufferView | null;
  /**
   * For traces: when a step of `instance` from `before` to `after` loaded the shared scalar
   * at `slot` from memory, whether the value it read was older than the newest one memory
   * holds (only a model that lets loads read older values has this).
   */
  olderRead?(instance: number, slot: number, before: Int32Array, after: Int32Array): boolean;
  /**
   * For symmetry reduction: how renaming the values of a symmetric type moves one of the
   * model's own slots and rewrites its value (only asked for slots the model added).
   */
  renaming(slot: number): SlotRenaming;
}

/**
 * How a bookkeeping slot behaves under a renaming. `like`: it moves as model slot `slot`
 * does (that slot's array and location coordinates, not its process instance's), with the
 * distances scaled by `scale`; a slot inside a process instance's block also moves with the
 * instance. `value`: kept (`copy`), the number of a slot (`slot`: renamed as that slot moves),
 * a value stored at model slot `location` (`location`), or a value stored at the location
 * whose slot number is held in slot `locationIn` (`buffered`). Entries not in use are
 * restored by the runtime's `tidy` afterwards.
 */
export interface SlotRenaming {
  readonly like?: { readonly slot: number; readonly scale: number };
  readonly value:
    | { readonly kind: 'copy' }
    | { readonly kind: 'slot' }
    | { readonly kind: 'location'; readonly location: number }
    | { readonly kind: 'buffered'; readonly locationIn: number };
}
