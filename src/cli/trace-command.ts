// `mmucheck trace FILE [--format table|text|json|itf|html]`: print a saved counterexample, after
// replaying it against the model as it is now. A trace that no longer replays is not printed
// as if it were true: the command says at which step and why, and exits 1.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readRegularFile } from '../check/load.ts';
import { MAX_TRACE_BYTES } from '../parse/bounds.ts';
import { instantiate, type Kernel, type TransitionSystem } from '../compile/system.ts';
import { Expander } from '../explore/expand.ts';
import { recheck, violationProblem, type Rechecked, type Trace } from '../explore/replay.ts';
import type { FoundViolation, ViolationKind } from '../explore/bfs.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { isItf, readItf, replayItf, type ItfTrace } from '../report/itf.ts';
import { parseTraceFile, sourceHash, TraceFileError, traceDocument, validate, type TraceDocument } from '../report/trace-document.ts';
import { MEMORY_MODEL_NAMES, memorySpec, type MemoryModelName } from '../memory/index.ts';
import { modelArgument } from './bundled.ts';
import { failOption, oneOf } from './options.ts';
import { colorFor, VERSION } from './output.ts';
import { buildSystem, EXIT } from './run-check.ts';
import { renderTrace } from './trace-output.ts';

export interface TraceCommandFlags {
  format?: string;
  model?: string;
  color?: boolean;
}

/** For an ITF file that does not say: the violation its last state shows (an invariant, or a deadlock). */
function violationAt(system: TransitionSystem, kernel: Kernel, t: Trace): TraceDocument['violation'] | undefined {
  const last = t.steps.length ? t.steps[t.steps.length - 1].state! : t.initial;
  const depth = t.steps.length;
  const k = kernel.invariants(last, 0);
  if (k >= 0) return { kind: 'invariant', property: system.invariantNames[k], depth, message: `invariant ${system.invariantNames[k]} is false` };
  const ex = new Expander(kernel, system.layout.width);
  ex.expand(last, 0);
  if (ex.deadlocked) return { kind: 'deadlock', property: 'deadlock', depth, message: 'no process can take a step' };
  return undefined;
}

export function traceCommand(file: string, flags: TraceCommandFlags): number {
  const out = process.stdout;
  const err = process.stderr;
  const color = colorFor(out, flags.color);
  const errColor = colorFor(err, flags.color);
  const format = oneOf('--format', flags.format, ['table', 'text', 'json', 'itf', 'html'] as const) ?? (out.isTTY ? 'table' : 'text');
  const fail = (message: string, code: number) => {
    err.write(`mmucheck: ${errColor.red.bold('error:')} ${message}\n`);
    return code;
  };

  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(file, MAX_TRACE_BYTES);
  } catch (e) {
    return fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, EXIT.input);
  }
  let value: unknown;
  let doc: TraceDocument | undefined;
  let itf: ItfTrace | undefined;
  try {
    value = parseTraceFile(bytes);
    if (isItf(value)) itf = readItf(value);
    else doc = validate(value);
  } catch (e) {
    if (e instanceof TraceFileError) return fail(`${file} is not a usable trace: ${e.message}`, EXIT.input);
    throw e;
  }
  // What the file says about its run: a trace document's header, or the #meta mmucheck writes
  // into ITF. An ITF file without it (written by hand or by another tool) names no model: it
  // is checked against --model with its default constants under sc, and its violation is
  // whatever its last state violates.
  if (itf && !itf.meta && !flags.model)
    failOption(`${file} is an ITF trace that does not say which model it is of (no #meta.mmucheck-trace): name it with --model PATH`);
  const header: {
    model: { name?: string; file: string; sourceSha256?: string };
    constants: Record<string, number | boolean | string>;
    memory: string;
    storeBuffer?: number;
    origin: TraceDocument['origin'];
    violation?: TraceDocument['violation'];
  } =
    doc ??
    (itf!.meta ? { origin: { command: 'check' }, ...itf!.meta } : { model: { file: flags.model! }, constants: {}, memory: 'sc', origin: { command: 'check' } });

  // The model: --model, else the file of the name the trace records, next to the trace. A
  // trace is untrusted input (an artifact downloaded from CI): the path it records is never
  // opened as such.
  const modelPath = flags.model ? modelArgument(flags.model) : join(dirname(file), basename(header.model.file));
  if (!flags.model && !existsSync(modelPath))
    failOption(`the model of this trace, ${basename(header.model.file)}, is not next to it (${modelPath}); name it with --model PATH`);
  if (!MEMORY_MODEL_NAMES.includes(header.memory as MemoryModelName))
    return fail(`${file} is not a usable trace: unknown memory model ${JSON.stringify(header.memory)}`, EXIT.input);
  const memory = memorySpec(header.memory as MemoryModelName, header.storeBuffer);
  const built = buildSystem(modelPath, header.constants, undefined, memory);
  if (!built.system) {
    // A file that does not even read or parse as a model is not shown (it may be anything).
    const notAModel = built.diagnostics.some((d) => d.code === 'io' || d.code === 'lex' || d.code === 'syntax' || d.code === 'nesting');
    if (notAModel) return fail(`${modelPath} is not a model this trace can be checked against (it does not read or parse as one)`, EXIT.input);
    err.write(renderDiagnostics(built.diagnostics, errColor) + '\n');
    return fail(`the model of this trace cannot be checked as recorded (constants ${JSON.stringify(header.constants)})`, EXIT.input);
  }
  const system = built.system;
  if (header.model.name !== undefined && system.model.name !== header.model.name)
    return fail(`${modelPath} is model ${system.model.name}, the trace is of ${header.model.name}`, EXIT.input);

  const kernel = instantiate(system);
  let claimed = header.violation;
  let rechecked: Rechecked;
  let failing: boolean;
  if (doc) {
    rechecked = recheck(system, kernel, doc);
    failing = doc.steps.some((s) => s.failing);
  } else {
    failing = itf!.meta?.failing ?? false;
    const accept = (t: Trace): string | null => {
      if (claimed) return violationProblem(system, kernel, t, claimed.kind === 'liveness' ? claimed : { ...claimed, depth: t.steps.length });
      const found = violationAt(system, kernel, t);
      if (!found) return 'its last state violates nothing the model checks (no invariant is false and it is not a deadlock)';
      claimed = found;
      return null;
    };
    const r = replayItf(system, kernel, itf!, failing, accept);
    rechecked = !r.ok
      ? { ok: false, step: r.step, reason: r.reason }
      : claimed?.kind === 'liveness'
        ? { ...r, trace: { ...r.trace, cycleStart: claimed.depth } }
        : r;
  }
  if (!rechecked.ok) {
    const what = doc ? `(at step ${rechecked.step})` : `(at state ${rechecked.step})`;
    return fail(`the trace no longer holds for ${modelPath} ${what}: ${rechecked.reason}`, EXIT.violation);
  }
  if (header.model.sourceSha256 !== undefined && sourceHash(system) !== header.model.sourceSha256)
    err.write(`mmucheck: note: ${modelPath} changed since the trace was written; the trace still replays and its violation still holds\n`);

  const v = claimed!;
  const violation: FoundViolation = {
    kind: v.kind as ViolationKind,
    property: v.property,
    message: v.message,
    depth: v.depth,
    ...(v.cycle !== undefined
      ? {
          cycle: rechecked.path.slice(v.depth),
          cycleUnits: (v.cycleUnits ?? []).map((n) => system.fairUnitNames.indexOf(n)).filter((u) => u >= 0),
        }
      : {}),
    ...(v.pAt !== undefined ? { pAt: v.pAt } : {}),
    path: v.cycle !== undefined ? rechecked.path.slice(0, v.depth) : rechecked.path,
    ...(failing ? { failedAction: rechecked.trace.steps[rechecked.trace.steps.length - 1].action } : {}),
  };
  const fresh = traceDocument(system, rechecked.trace, violation, { version: VERSION, origin: header.origin, memory });
  out.write(renderTrace(system, rechecked.trace, violation, fresh, format, color) as string);
  return EXIT.pass;
}
