// ITF, the Informal Trace Format of the TLA+/Quint tools (Apalache ADR-015): `#meta`, `vars`
// and `states`, values as ITF values (integers as #bigint, arrays as #map, structs as
// records). A state holds every global, every process (its program counter as a label, `line
// 44 @crit`, and its locals) and, under a memory model with buffers, the pending stores of
// each process and the memory model's own bookkeeping, so a tso or arm trace reads on its own.
//
// `mmucheck trace` reads ITF back: it has no step positions, so each recorded state is
// matched against the successors of the one before (the model's own successor function),
// backtracking where two successors look the same.
import { structuredView } from '../compile/state-view.ts';
import type { Kernel, TransitionSystem } from '../compile/system.ts';
import type { Trace, TraceStep } from '../explore/replay.ts';
import { Expander } from '../explore/expand.ts';
import { pcLabel, stepLabel } from './step-label.ts';
import { TraceFileError, type TraceDocument } from './trace-document.ts';

export type Itf = boolean | string | { '#bigint': string } | { '#map': [Itf, Itf][] } | Itf[] | { [k: string]: Itf };

/** The variable holding each process's pending stores (a name no model identifier can have). */
export const ITF_BUFFERS = 'mmucheck::store_buffers';
/** The variable holding the memory model's bookkeeping (timestamps, views, older values), slot by slot. */
export const ITF_MEMORY = 'mmucheck::memory';

/** ITF values: integers as #bigint, enum members as strings, arrays as #map, structs as records. */
function itfValue(v: unknown): Itf {
  if (typeof v === 'number') return { '#bigint': String(v) };
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return { '#map': v.map(([k, x]) => [itfValue(k), itfValue(x)] as [Itf, Itf]) };
  const rec: Record<string, Itf> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) rec[k] = itfValue(x);
  return rec;
}

/** The variables of an ITF state of this system, in order. */
export function itfVars(system: TransitionSystem): string[] {
  const vars = [...system.model.globals.map((g) => g.name), ...system.model.processes.map((p) => p.name)];
  if (system.layout.instances.some((_, i) => system.memory.buffer(i))) vars.push(ITF_BUFFERS);
  if (bookkeepingSlots(system).length) vars.push(ITF_MEMORY);
  return vars;
}

/** The memory model's slots that the buffers do not already show (arm: timestamps, older values, views). */
function bookkeepingSlots(system: TransitionSystem): number[] {
  const inBuffers = new Set(system.layout.instances.flatMap((_, i) => system.memory.buffer(i)?.slots ?? []));
  const out: number[] = [];
  system.layout.slotNames.forEach((s, slot) => {
    if (s.range && !inBuffers.has(slot)) out.push(slot);
  });
  return out;
}

/** One state as ITF values, variable by variable. */
export function itfState(system: TransitionSystem, state: Int32Array): Record<string, Itf> {
  const view = structuredView(system, state);
  const { layout, model } = system;
  // Program counters as labels, in the instance order structuredView uses.
  model.processes.forEach((p, pi) => {
    const instances = layout.instances.map((inst, i) => ({ inst, i })).filter(({ inst }) => inst.process === pi);
    const records = p.param ? (view[p.name] as [unknown, Record<string, unknown>][]).map(([, r]) => r) : [view[p.name] as Record<string, unknown>];
    instances.forEach(({ inst, i }, k) => {
      records[k].pc = pcLabel(system, i, state[inst.pcSlot]);
    });
  });
  const out: Record<string, Itf> = {};
  for (const [k, v] of Object.entries(view)) out[k] = itfValue(v);
  const buffers: [Itf, Itf][] = [];
  layout.instances.forEach((inst, i) => {
    const b = system.memory.buffer(i);
    if (b) buffers.push([inst.name, b.entries(state)]);
  });
  if (buffers.length) out[ITF_BUFFERS] = { '#map': buffers };
  const bookkeeping = bookkeepingSlots(system);
  if (bookkeeping.length) out[ITF_MEMORY] = Object.fromEntries(bookkeeping.map((slot) => [layout.slotNames[slot].name, { '#bigint': String(state[slot]) }]));
  return out;
}

export function itfDocument(system: TransitionSystem, trace: Trace, doc: TraceDocument): Record<string, unknown> {
  const moves = trace.steps.filter((s) => s.state);
  const states = [trace.initial, ...moves.map((s) => s.state!)];
  const failing = trace.steps.find((s) => !s.state);
  const failingDoc = doc.steps.find((s) => s.failing);
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: doc.model.file,
      description: `mmucheck ${doc.version} counterexample of ${doc.model.name}: ${doc.violation.message} (depth ${doc.violation.depth})`,
      'mmucheck-trace': {
        version: doc.version,
        model: doc.model,
        constants: doc.constants,
        memory: doc.memory,
        ...(doc.storeBuffer !== undefined ? { storeBuffer: doc.storeBuffer } : {}),
        origin: doc.origin,
        violation: doc.violation,
        ...(failing && failingDoc
          ? { failingStep: { process: failingDoc.process, action: failingDoc.action, line: failingDoc.line, label: stepLabel(system, failing.action) } }
          : {}),
      },
    },
    vars: itfVars(system),
    // A lasso: the last state is the one at index `loop` again.
    ...(doc.violation.cycle ? { loop: doc.violation.depth } : {}),
    states: states.map((st, i) => ({
      '#meta': {
        index: i,
        ...(i > 0
          ? { action: `${system.layout.instances[system.actions[moves[i - 1].action].instance].name}: ${stepLabel(system, moves[i - 1].action)}` }
          : {}),
      },
      ...itfState(system, st),
    })),
  };
}

// ---- reading ITF back ------------------------------------------------------------------

/** What an ITF file says about its run, as `mmucheck trace` needs it. */
export interface ItfTrace {
  readonly vars: readonly string[];
  readonly states: readonly Record<string, unknown>[];
  /** mmucheck's own record (#meta.mmucheck-trace), when the file was written by mmucheck. */
  readonly meta?: {
    readonly model: { readonly name: string; readonly file: string; readonly sourceSha256?: string };
    readonly constants: Record<string, number | boolean | string>;
    readonly memory: string;
    readonly storeBuffer?: number;
    readonly origin?: TraceDocument['origin'];
    readonly violation?: TraceDocument['violation'];
    readonly failing: boolean;
  };
}

export function isItf(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'states' in v && ('#meta' in v || 'vars' in v);
}

/** An ITF document, checked for what replaying it needs; a TraceFileError says what is missing. */
export function readItf(v: unknown): ItfTrace {
  const bad = (what: string): never => {
    throw new TraceFileError(`ITF: ${what}`);
  };
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o.states) || o.states.length === 0) bad("'states' is not a non-empty list");
  const states = o.states as unknown[];
  states.forEach((s, k) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) bad(`state ${k} is not an object`);
  });
  const vars = Array.isArray(o.vars) ? (o.vars as unknown[]) : Object.keys(states[0] as object).filter((k) => k !== '#meta');
  if (!vars.every((x) => typeof x === 'string')) bad("'vars' is not a list of names");
  states.forEach((s, k) => {
    for (const name of vars as string[]) if (!(name in (s as object))) bad(`state ${k} has no value for '${name}'`);
  });
  const m = (o['#meta'] as Record<string, unknown> | undefined)?.['mmucheck-trace'] as Record<string, unknown> | undefined;
  let meta: ItfTrace['meta'];
  if (m !== undefined) {
    const model = m.model as Record<string, unknown> | undefined;
    if (!model || typeof model.name !== 'string' || typeof model.file !== 'string')
      bad("#meta.mmucheck-trace does not name its model ('model.name', 'model.file')");
    if (typeof m.constants !== 'object' || m.constants === null) bad("#meta.mmucheck-trace has no 'constants'");
    if (typeof m.memory !== 'string') bad("#meta.mmucheck-trace has no 'memory'");
    const viol = m.violation as Record<string, unknown> | undefined;
    if (viol !== undefined && (typeof viol.kind !== 'string' || typeof viol.property !== 'string')) bad("#meta.mmucheck-trace's 'violation' is incomplete");
    const failing = m.failingStep !== undefined;
    if (viol !== undefined) {
      const moves = states.length - 1 + (failing ? 1 : 0);
      const want = (viol.depth as number) + ((viol.cycle as number | undefined) ?? 0);
      if (moves !== want)
        bad(`the trace has ${moves} steps but its violation is at depth ${String(viol.depth)}${viol.cycle ? ` with a cycle of ${String(viol.cycle)}` : ''}`);
    }
    meta = {
      model: model as unknown as NonNullable<ItfTrace['meta']>['model'],
      constants: m.constants as Record<string, number | boolean | string>,
      memory: m.memory as string,
      ...(typeof m.storeBuffer === 'number' ? { storeBuffer: m.storeBuffer } : {}),
      ...(m.origin !== undefined ? { origin: m.origin as TraceDocument['origin'] } : {}),
      ...(viol !== undefined ? { violation: viol as unknown as TraceDocument['violation'] } : {}),
      failing,
    };
  }
  return { vars: vars as string[], states: states as Record<string, unknown>[], ...(meta ? { meta } : {}) };
}

/** Canonical text of an ITF value, for comparison (record keys sorted; #map entries in order). */
function canon(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canon(o[k])}`)
    .join(',')}}`;
}

/** The first place where two ITF values differ: a path below the variable, and the two values. */
function firstDifference(want: unknown, got: unknown, path: string): { path: string; want: unknown; got: unknown } | null {
  if (canon(want) === canon(got)) return null;
  const isMap = (x: unknown): x is { '#map': [unknown, unknown][] } => typeof x === 'object' && x !== null && '#map' in x;
  if (isMap(want) && isMap(got) && want['#map'].length === got['#map'].length) {
    for (let i = 0; i < want['#map'].length; i++) {
      const [wk, wv] = want['#map'][i];
      const [gk, gv] = got['#map'][i];
      if (canon(wk) !== canon(gk)) return { path, want, got };
      const d = firstDifference(wv, gv, `${path}[${keyText(wk)}]`);
      if (d) return d;
    }
  }
  const isRecord = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x) && !('#map' in x) && !('#bigint' in x);
  if (isRecord(want) && isRecord(got) && canon(Object.keys(want).sort()) === canon(Object.keys(got).sort())) {
    for (const k of Object.keys(want)) {
      const d = firstDifference(want[k], got[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return { path, want, got };
}

function keyText(k: unknown): string {
  if (typeof k === 'object' && k !== null && '#bigint' in k) return String((k as { '#bigint': string })['#bigint']);
  return typeof k === 'string' ? k : JSON.stringify(k);
}

/** An ITF value as people read it: #bigint as the number, #map as {k: v}. */
export function itfText(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(itfText).join(', ')}]`;
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) return String(o['#bigint']);
  if ('#map' in o) return `{${(o['#map'] as [unknown, unknown][]).map(([k, x]) => `${keyText(k)}: ${itfText(x)}`).join(', ')}}`;
  return `{${Object.entries(o)
    .map(([k, x]) => `${k}: ${itfText(x)}`)
    .join(', ')}}`;
}

export type ItfReplay =
  | { ok: true; trace: Trace; path: number[] }
  | { ok: false; step: number; reason: string /** the recorded states were never matched (not a violation that went away) */; mismatch: boolean };

/** At most this many states are expanded while matching (ambiguous states are tried one by one). */
const MATCH_BUDGET = 200_000;

/**
 * Finds the execution whose states, seen as ITF, are the recorded ones: state k+1 must be a
 * successor of state k. Where several successors look alike (a foreign file may omit
 * variables), each is tried in successor order. `accept` judges the complete execution (the
 * violation must be there); the last step of a failing trace is the step that fails.
 */
export function replayItf(system: TransitionSystem, kernel: Kernel, itf: ItfTrace, failing: boolean, accept: (trace: Trace) => string | null): ItfReplay {
  const W = system.layout.width;
  const unknown = itf.vars.filter((v) => !itfVars(system).includes(v));
  if (unknown.length)
    return {
      ok: false,
      step: 0,
      mismatch: true,
      reason: `the trace has variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} that the model does not have`,
    };
  const wanted = itf.states.map((s) => Object.fromEntries(itf.vars.map((v) => [v, canon(s[v])])));
  const differs = (k: number, state: Int32Array) => {
    const got = itfState(system, state);
    for (const v of itf.vars) if (canon(got[v]) !== wanted[k][v]) return firstDifference(itf.states[k][v], got[v], v);
    return null;
  };
  const describe = (d: { path: string; want: unknown; got: unknown }) => `${d.path} is ${itfText(d.got)} where the trace has ${itfText(d.want)}`;

  const d0 = differs(0, system.initial);
  if (d0) return { ok: false, step: 0, mismatch: true, reason: `the initial state differs: ${describe(d0)}` };

  const n = itf.states.length;
  const steps: TraceStep[] = [];
  const path: number[] = [];
  let budget = MATCH_BUDGET;
  // The furthest the matching got: the state no successor matched, and why.
  let worst: { step: number; reason: string; mismatch: boolean } = { step: 0, reason: '', mismatch: true };
  const note = (step: number, reason: string, mismatch: boolean) => {
    if (step >= worst.step) worst = { step, reason, mismatch };
  };
  const ex = new Expander(kernel, W);

  const search = (k: number, state: Int32Array): boolean => {
    if (--budget < 0) return false;
    ex.expand(state, 0);
    if (k === n - 1) {
      const last: TraceStep[] = [];
      if (failing) {
        if (!ex.failed) {
          note(k + 1, `the last step was recorded as failing; no step fails after state ${k}`, false);
          return false;
        }
        last.push({ action: ex.out.failedAction, state: null });
      }
      const at = ex.out.count;
      const problem = accept({ initial: system.initial, steps: [...steps, ...last] });
      if (problem !== null) {
        note(k, `every state replays, but ${problem}`, false);
        return false;
      }
      steps.push(...last);
      if (failing) path.push(at);
      return true;
    }
    // The successors that match state k+1 (copied: the search below reuses the expander).
    const out = ex.out;
    const matches: { j: number; action: number; next: Int32Array }[] = [];
    let closest: { j: number; action: number; d: { path: string; want: unknown; got: unknown }; count: number } | undefined;
    for (let j = 0; j < ex.count; j++) {
      const next = out.buf.slice(j * W, j * W + W);
      const d = differs(k + 1, next);
      if (!d) {
        matches.push({ j, action: out.actions[j], next });
        continue;
      }
      const got = itfState(system, next);
      const count = itf.vars.filter((v) => canon(got[v]) !== wanted[k + 1][v]).length;
      if (!closest || count < closest.count) closest = { j, action: out.actions[j], d, count };
    }
    if (!matches.length) {
      const why = closest
        ? `the closest successor (${system.layout.instances[system.actions[closest.action].instance].name}: ${stepLabel(system, closest.action)}) differs: ${describe(closest.d)}`
        : 'no step is enabled there';
      note(k + 1, `state ${k + 1} is not a successor of state ${k}: ${why}`, true);
      return false;
    }
    for (const m of matches) {
      steps.push({ action: m.action, state: m.next });
      path.push(m.j);
      if (search(k + 1, m.next)) return true;
      steps.pop();
      path.pop();
    }
    return false;
  };

  if (search(0, system.initial.slice())) return { ok: true, trace: { initial: system.initial, steps }, path };
  if (budget < 0) return { ok: false, step: worst.step, mismatch: true, reason: `the states are too ambiguous to match (more than ${MATCH_BUDGET} tried)` };
  return { ok: false, ...worst };
}
