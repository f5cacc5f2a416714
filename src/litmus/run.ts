// Runs a C litmus test: parse, translate to the model language, check and compile it like any
// model, explore every reachable state with the engine (recording the graph), then read the
// final states off the graph and answer in herd7's terms: the distinct final states over the
// locations the condition (and `locations [...]`) name, and whether the condition holds in
// none, some or all of them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFile } from '../check/check.ts';
import { compile, instantiate, type TransitionSystem } from '../compile/system.ts';
import type { ExploreResult } from '../explore/bfs.ts';
import { ModelError, type RunFailure } from '../explore/errors.ts';
import { Expander, type FoundViolation } from '../explore/expand.ts';
import type { LimitOptions } from '../explore/limits.ts';
import { exploreParallel } from '../explore/parallel.ts';
import { replay, type Trace } from '../explore/replay.ts';
import { memorySpec, type MemoryModelName, type MemorySpec } from '../memory/index.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import { sourceFile } from '../parse/source.ts';
import { parseLitmus } from './parser.ts';
import { translateLitmus, type FinalProp, type LibraryPaths, type ObservedLoc, type Translation } from './translate.ts';

export type Observation = 'Never' | 'Sometimes' | 'Always';

/** What a litmus run found, in herd7's terms. */
export interface LitmusAnswer {
  readonly test: string;
  readonly condition: string;
  readonly observation: Observation;
  /** Distinct final states (after the filter) over the shown locations, herd7's "States". */
  readonly states: number;
  /** Those states as herd7 prints them (`1:r0=1; x=2;`), sorted. */
  readonly finalStates: readonly string[];
  /** Whether the final condition, with its quantifier, is validated ("Ok" in herd7). */
  readonly validated: boolean;
}

export type LitmusOutcome =
  | RunFailure
  | {
      readonly kind: 'done';
      readonly translation: Translation;
      readonly system: TransitionSystem;
      readonly memory: MemorySpec;
      readonly result: ExploreResult;
      /** Null when the search did not complete or found a violation (deadlock, range). */
      readonly answer: LitmusAnswer | null;
      /** A run into a final state that shows the condition's outcome (see `witnessFor`). */
      readonly witness: { readonly violation: FoundViolation; readonly trace: Trace } | null;
      /** The trace of a violation the engine found (a deadlock, an out-of-range value). */
      readonly trace: Trace | null;
    };

export interface LitmusRequest {
  readonly path: string;
  readonly memory: MemoryModelName;
  /** Pending stores and older messages; default: the test's own bound (no behaviour lost). */
  readonly storeBuffer?: number;
  readonly limits?: Omit<LimitOptions, 'shouldStop'>;
  readonly shouldStop?: () => boolean;
}

export function isLitmusPath(path: string): boolean {
  return path.endsWith('.litmus');
}

/** models/lib of this installation: the nearest folder above this module that has it. */
export function libraryPaths(): LibraryPaths {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const lib = join(dir, 'models', 'lib');
    if (existsSync(join(lib, 'spinlock.mmu'))) return { spinlock: join(lib, 'spinlock.mmu'), rcu: join(lib, 'rcu.mmu') };
    const up = dirname(dir);
    if (up === dir) throw new Error('models/lib not found above the litmus front end');
    dir = up;
  }
}

/** Parse and translate, or the diagnostics that stop it. */
export function translateFile(path: string): { translation?: Translation; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { diagnostics: [diag('io', `cannot read ${path}: ${reason}`)] };
  }
  const parsed = parseLitmus(sourceFile(path, text));
  if (!parsed.test) return { diagnostics: parsed.diagnostics };
  return translateLitmus(parsed.test, libraryPaths());
}

/** The translated model, checked and compiled under a memory model. */
export function buildLitmusSystem(translation: Translation, path: string, memory: MemorySpec): { system?: TransitionSystem; diagnostics: Diagnostic[] } {
  // The translation is read as a file of its own, next to the test, so that its diagnostics
  // (a bug of the translator, if any) and traces name it.
  const virtual = `${path}.mmu`;
  const abs = resolve(virtual);
  const checked = checkFile(virtual, {}, (p) => (p === abs ? translation.source : readFileSync(p, 'utf8')));
  if (!checked.model) return { diagnostics: checked.diagnostics };
  const compiled = compile(checked.model, { memory: memory.name, storeBuffer: memory.storeBuffer, symmetry: false });
  return compiled.system ? { system: compiled.system, diagnostics: [] } : { diagnostics: compiled.diagnostics };
}

export async function runLitmus(req: LitmusRequest): Promise<LitmusOutcome> {
  const t = translateFile(req.path);
  if (!t.translation) return { kind: 'input', diagnostics: t.diagnostics };
  const translation = t.translation;
  const memory = memorySpec(req.memory, req.storeBuffer ?? translation.storeBuffer);
  const built = buildLitmusSystem(translation, req.path, memory);
  if (!built.system) return { kind: 'input', diagnostics: built.diagnostics };
  const system = built.system;
  let result: ExploreResult;
  try {
    // The graph is recorded on one thread; litmus tests are small.
    result = await exploreParallel(system, { workers: 1, deadlock: true, graph: true, ...req.limits, shouldStop: req.shouldStop });
  } catch (e) {
    if (e instanceof ModelError) {
      const action = e.action === undefined ? undefined : system.actions[e.action];
      return { kind: 'model-error', system, diagnostic: diag('model', e.message, action?.span) };
    }
    return { kind: 'engine-error', message: e instanceof Error ? e.message : String(e) };
  }
  if (result.verdict !== 'pass' || !result.graph) {
    const trace = result.violation ? replay(system, instantiate(system), result.violation) : null;
    return { kind: 'done', translation, system, memory, result, answer: null, witness: null, trace };
  }
  const { answer, witness } = finalStates(translation, system, result);
  return { kind: 'done', translation, system, memory, result, answer, witness, trace: null };
}

/** Reads a location of the condition from a state. */
function reader(system: TransitionSystem, o: ObservedLoc): (s: Int32Array) => number {
  const { model, layout } = system;
  if (o.kind === 'global') {
    const g = model.globals.findIndex((x) => x.name === o.global);
    if (g < 0) throw new Error(`the translated model has no location ${o.global}`);
    const slot = layout.globalSlots[g] + (o.element ?? 0);
    return (s) => s[slot] + o.shift;
  }
  const inst = layout.instances.find((i) => i.name === o.process);
  if (!inst) throw new Error(`the translated model has no process ${o.process}`);
  const li = model.processes[inst.process].locals.findIndex((l) => l.name === o.local);
  if (li < 0) throw new Error(`the translated model has no local ${o.process}.${o.local}`);
  const slot = inst.localSlots[li];
  return (s) => s[slot];
}

function holds(p: FinalProp, values: readonly number[]): boolean {
  switch (p.kind) {
    case 'eq':
      return (values[p.loc] === p.value) !== p.negated;
    case 'not':
      return !holds(p.arg, values);
    case 'and':
      return holds(p.left, values) && holds(p.right, values);
    case 'or':
      return holds(p.left, values) || holds(p.right, values);
    case 'implies':
      return !holds(p.left, values) || holds(p.right, values);
    case 'const':
      return p.value;
  }
}

/**
 * Walks the recorded graph in state-number order, rebuilding each state from its first
 * predecessor with the kernel (the engine's own successor function, in its order); a state
 * with no successor is final: every process has ended and every store has reached memory.
 */
function finalStates(
  tr: Translation,
  system: TransitionSystem,
  result: ExploreResult,
): { answer: LitmusAnswer; witness: { violation: FoundViolation; trace: Trace } | null } {
  const g = result.graph!;
  const kernel = instantiate(system);
  const W = system.layout.width;
  const K = system.packing.words;
  const ex = new Expander(kernel, W, false, false);
  const packed = new Int32Array(g.states * K);
  const known = new Uint8Array(g.states);
  const parent = new Int32Array(g.states).fill(-1);
  const position = new Int32Array(g.states);
  const scratch = new Int32Array(Math.max(W, 1));
  kernel.pack(system.initial, 0, packed, 0);
  known[0] = 1;
  const readers = tr.locations.map((o) => reader(system, o));
  const show = (i: number, v: number) => `${tr.locations[i].label}=${tr.addressNames.get(v) ?? v};`;
  const seen = new Map<string, boolean>(); // shown values -> the condition holds there
  let witnessState = -1;
  const wantsP = tr.test.quantifier !== 'forall'; // the state to show: where P holds (exists) or fails (forall)
  for (let s = 0; s < g.states; s++) {
    if (!known[s]) throw new Error(`the graph reaches state ${s} before any predecessor`);
    kernel.unpack(packed, s * K, scratch, 0);
    ex.expand(scratch, 0);
    const first = g.edgeStart[s];
    const n = g.edgeStart[s + 1] - first;
    if (ex.count !== n) throw new Error(`state ${s} has ${ex.count} successors, the graph recorded ${n}`);
    for (let j = 0; j < n; j++) {
      const t = g.targets[first + j];
      if (known[t]) continue;
      kernel.pack(ex.out.buf, j * W, packed, t * K);
      known[t] = 1;
      parent[t] = s;
      position[t] = j;
    }
    if (n > 0) continue;
    const values = readers.map((r) => r(scratch));
    if (tr.filter && !holds(tr.filter, values)) continue;
    const p = holds(tr.condition, values);
    const key = tr.shown.map((i) => show(i, values[i])).join(' ');
    seen.set(key, p);
    if (witnessState < 0 && p === wantsP) witnessState = s;
  }
  const pos = [...seen.values()].filter(Boolean).length;
  const neg = seen.size - pos;
  const observation: Observation = pos === 0 ? 'Never' : neg === 0 ? 'Always' : 'Sometimes';
  const validated = tr.test.quantifier === 'exists' ? pos > 0 : tr.test.quantifier === '~exists' ? pos === 0 : neg === 0;
  const answer: LitmusAnswer = {
    test: tr.test.name,
    condition: tr.test.conditionText,
    observation,
    states: seen.size,
    finalStates: [...seen.keys()].sort(),
    validated,
  };
  if (witnessState < 0) return { answer, witness: null };
  const path: number[] = [];
  for (let s = witnessState; parent[s] >= 0; s = parent[s]) path.push(position[s]);
  path.reverse();
  // Not a violation: a FoundViolation only so that the trace formatters can draw the run (its
  // last line, which names the kind, is replaced by the caller).
  const violation: FoundViolation = {
    kind: 'range',
    property: wantsP ? 'condition' : 'not condition',
    message: wantsP ? `a final state where ${tr.test.conditionText} holds` : `a final state where ${tr.test.conditionText} fails`,
    depth: path.length,
    path,
  };
  return { answer, witness: { violation, trace: follow(system, kernel, path) } };
}

/** The steps along `path` (successor positions) from the initial state. */
function follow(system: TransitionSystem, kernel: ReturnType<typeof instantiate>, path: readonly number[]): Trace {
  const W = system.layout.width;
  const ex = new Expander(kernel, W, false, false);
  let state = system.initial.slice();
  const steps: Trace['steps'] = [];
  for (const pos of path) {
    ex.expand(state, 0);
    if (pos >= ex.count) throw new Error(`the witness diverged: successor ${pos} of ${ex.count}`);
    state = ex.out.buf.slice(pos * W, pos * W + W);
    steps.push({ action: ex.out.actions[pos], state });
  }
  return { initial: system.initial, steps };
}
