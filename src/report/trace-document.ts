// Saved counterexamples: one document, written as JSON, as msgpack (the same content,
// compact), or as ITF (the Informal Trace Format of the TLA+/Quint tools). Every document
// records the model, a hash of its sources, the constants, the memory model and the version,
// so `mmucheck trace` can replay it and say whether it still holds.
import { createHash } from 'node:crypto';
import { pack, unpack } from 'msgpackr';
import { itfDocument } from './itf.ts';
import { flatView, type ScalarJson } from '../compile/state-view.ts';
import { actionLine, type TransitionSystem } from '../compile/system.ts';
import type { FoundViolation } from '../explore/bfs.ts';
import type { Trace } from '../explore/replay.ts';
import type { MemorySpec } from '../memory/index.ts';
import { stepLabel, stepStatement } from './step-label.ts';
import { constantsObject } from './summary.ts';

export const TRACE_FORMAT = 'mmucheck-trace';
export const TRACE_FORMAT_VERSION = 1;

export interface TraceStepDoc {
  readonly index: number; // 1-based step number
  readonly position: number; // position among the successors of the previous state
  readonly process: string;
  readonly action: string; // the statement, as the label shows it
  readonly label: string; // the step as every rendering shows it: `LINE: STATEMENT` (step-label.ts)
  readonly file: string;
  readonly line: number;
  readonly outcome?: 'true' | 'false';
  readonly failing: boolean; // the step that fails (assert, range, division); no state after it
  readonly state: Record<string, ScalarJson> | null;
  readonly changes: Record<string, ScalarJson>;
}

export interface TraceDocument {
  readonly format: typeof TRACE_FORMAT;
  readonly formatVersion: number;
  readonly tool: 'mmucheck';
  readonly version: string;
  readonly model: { readonly name: string; readonly file: string; readonly sourceSha256: string };
  readonly constants: Record<string, number | boolean | string>;
  readonly memory: string;
  readonly storeBuffer?: number;
  readonly origin: { readonly command: 'check' | 'simulate'; readonly seed?: number; readonly run?: number };
  readonly violation: {
    readonly kind: string;
    readonly property: string;
    readonly depth: number;
    readonly message: string;
    /** A lasso's cycle: its length (its steps follow the `depth` steps of the stem), and for
     * `P ~> Q` after how many steps P held; the units that step in the cycle. */
    readonly cycle?: number;
    readonly pAt?: number;
    readonly cycleUnits?: readonly string[];
  };
  readonly initial: Record<string, ScalarJson>;
  readonly steps: TraceStepDoc[];
}

export type TraceEncoding = 'json' | 'itf' | 'msgpack';

/** The model's source, every file's contents in load order; not their paths, which depend on the folder a command ran from. */
export function sourceHash(system: TransitionSystem): string {
  const h = createHash('sha256');
  for (const f of system.model.files) h.update(f.text).update('\0');
  return h.digest('hex');
}

export function traceDocument(
  system: TransitionSystem,
  trace: Trace,
  violation: FoundViolation,
  meta: { version: string; origin: TraceDocument['origin']; memory: MemorySpec },
): TraceDocument {
  const initial = flatView(system, trace.initial);
  let prev = initial;
  const steps = trace.steps.map((s, k): TraceStepDoc => {
    const a = system.actions[s.action];
    const state = s.state ? flatView(system, s.state) : null;
    const changes: Record<string, ScalarJson> = {};
    if (state) for (const [name, v] of Object.entries(state)) if (prev[name] !== v) changes[name] = v;
    if (state) prev = state;
    return {
      index: k + 1,
      position: k < violation.path.length ? violation.path[k] : violation.cycle![k - violation.path.length],
      process: system.layout.instances[a.instance].name,
      action: stepStatement(a),
      label: stepLabel(system, s.action),
      file: a.span.file.path,
      line: Number(actionLine(a)),
      ...(a.outcome ? { outcome: a.outcome } : {}),
      failing: s.state === null,
      state,
      changes,
    };
  });
  return {
    format: TRACE_FORMAT,
    formatVersion: TRACE_FORMAT_VERSION,
    tool: 'mmucheck',
    version: meta.version,
    model: { name: system.model.name, file: system.model.mainFile.path, sourceSha256: sourceHash(system) },
    constants: constantsObject(system.model),
    memory: meta.memory.name,
    ...(meta.memory.storeBuffer !== undefined ? { storeBuffer: meta.memory.storeBuffer } : {}),
    origin: meta.origin,
    violation: {
      kind: violation.kind,
      property: violation.property,
      depth: violation.depth,
      message: violation.message,
      ...(violation.cycle ? { cycle: violation.cycle.length, cycleUnits: (violation.cycleUnits ?? []).map((u) => system.fairUnitNames[u]) } : {}),
      ...(violation.pAt !== undefined ? { pAt: violation.pAt } : {}),
    },
    initial,
    steps,
  };
}

// ---- writing and reading ---------------------------------------------------------------

export function encodeTrace(system: TransitionSystem, trace: Trace, doc: TraceDocument, as: TraceEncoding): string | Uint8Array {
  if (as === 'msgpack') return pack(doc);
  const value = as === 'itf' ? itfDocument(system, trace, doc) : doc;
  return JSON.stringify(value, null, 2) + '\n';
}

export class TraceFileError extends Error {}

/** Reads a saved trace (JSON or msgpack); anything else is a TraceFileError with the reason. */
export function decodeTrace(bytes: Uint8Array): TraceDocument {
  return validate(parseTraceFile(bytes));
}

/** The value a trace file holds (JSON or msgpack), not yet checked; a TraceFileError when it is neither. */
export function parseTraceFile(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw new TraceFileError('the file is empty');
  let value: unknown;
  const first = bytes[0];
  if (first === 0x7b /* { */ || first === 0x20 || first === 0x0a) {
    const text = Buffer.from(bytes).toString('utf8');
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new TraceFileError(`not valid JSON (${(e as Error).message}); truncated?`);
    }
  } else {
    try {
      value = unpack(bytes);
    } catch (e) {
      throw new TraceFileError(`neither JSON nor a readable msgpack document (${(e as Error).message}); truncated?`);
    }
  }
  return value;
}

/** A trace document, checked: its fields are there and agree; a TraceFileError says what is wrong. */
export function validate(v: unknown): TraceDocument {
  const bad = (what: string): never => {
    throw new TraceFileError(what);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not a trace document');
  const o = v as Record<string, unknown>;
  if (o.format !== TRACE_FORMAT) bad(`not an mmucheck trace (format is ${JSON.stringify(o.format)})`);
  if (o.formatVersion !== TRACE_FORMAT_VERSION)
    bad(`trace format version ${String(o.formatVersion)} is not supported (this mmucheck reads ${TRACE_FORMAT_VERSION})`);
  const model = o.model as Record<string, unknown> | undefined;
  if (!model || typeof model.file !== 'string' || typeof model.name !== 'string') bad("the trace does not name its model ('model.file')");
  if (typeof o.constants !== 'object' || o.constants === null) bad("'constants' is missing");
  const viol = o.violation as Record<string, unknown> | undefined;
  if (!viol || typeof viol.kind !== 'string' || typeof viol.depth !== 'number') bad("'violation' is missing or incomplete");
  if (typeof o.initial !== 'object' || o.initial === null) bad("'initial' is missing");
  if (!Array.isArray(o.steps)) bad("'steps' is missing");
  (o.steps as unknown[]).forEach((s, k) => {
    const st = s as Record<string, unknown>;
    if (typeof st !== 'object' || st === null || typeof st.position !== 'number' || typeof st.failing !== 'boolean') bad(`step ${k + 1} is incomplete`);
    if (!st.failing && (typeof st.state !== 'object' || st.state === null)) bad(`step ${k + 1} has no state`);
  });
  const cycle = viol!.cycle ?? 0;
  if (typeof cycle !== 'number' || !Number.isInteger(cycle) || cycle < 0) bad("the violation's 'cycle' is not a length");
  if ((o.steps as unknown[]).length !== (viol!.depth as number) + (cycle as number))
    bad(
      `the trace has ${(o.steps as unknown[]).length} steps but its violation is at depth ${String(viol!.depth)}${cycle ? ` with a cycle of ${String(cycle)}` : ''}`,
    );
  return o as unknown as TraceDocument;
}
