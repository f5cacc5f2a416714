// `mmucheck trace FILE [--format table|text|json|itf|html]`: print a saved counterexample, after
// replaying it against the model as it is now. A trace that no longer replays is not printed
// as if it were true: the command says at which step and why, and exits 1.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readRegularFile } from '../check/load.ts';
import { MAX_TRACE_BYTES } from '../parse/bounds.ts';
import { instantiate } from '../compile/system.ts';
import { recheck } from '../explore/replay.ts';
import type { FoundViolation, ViolationKind } from '../explore/bfs.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { decodeTrace, sourceHash, TraceFileError, traceDocument, type TraceDocument } from '../report/trace-document.ts';
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
  let doc: TraceDocument;
  try {
    doc = decodeTrace(bytes);
  } catch (e) {
    if (e instanceof TraceFileError) return fail(`${file} is not a usable trace: ${e.message}`, EXIT.input);
    throw e;
  }

  // The model: --model, else the file of the name the trace records, next to the trace. A
  // trace is untrusted input (an artifact downloaded from CI): the path it records is never
  // opened as such.
  const modelPath = flags.model ? modelArgument(flags.model) : join(dirname(file), basename(doc.model.file));
  if (!flags.model && !existsSync(modelPath))
    failOption(`the model of this trace, ${basename(doc.model.file)}, is not next to it (${modelPath}); name it with --model PATH`);
  if (!MEMORY_MODEL_NAMES.includes(doc.memory as MemoryModelName))
    return fail(`${file} is not a usable trace: unknown memory model ${JSON.stringify(doc.memory)}`, EXIT.input);
  const memory = memorySpec(doc.memory as MemoryModelName, doc.storeBuffer);
  const built = buildSystem(modelPath, doc.constants, undefined, memory);
  if (!built.system) {
    // A file that does not even read or parse as a model is not shown (it may be anything).
    const notAModel = built.diagnostics.some((d) => d.code === 'io' || d.code === 'lex' || d.code === 'syntax' || d.code === 'nesting');
    if (notAModel) return fail(`${modelPath} is not a model this trace can be checked against (it does not read or parse as one)`, EXIT.input);
    err.write(renderDiagnostics(built.diagnostics, errColor) + '\n');
    return fail(`the model of this trace cannot be checked as recorded (constants ${JSON.stringify(doc.constants)})`, EXIT.input);
  }
  const system = built.system;
  if (system.model.name !== doc.model.name) return fail(`${modelPath} is model ${system.model.name}, the trace is of ${doc.model.name}`, EXIT.input);

  const rechecked = recheck(system, instantiate(system), doc);
  if (!rechecked.ok) {
    return fail(`the trace no longer holds for ${modelPath} (at step ${rechecked.step}): ${rechecked.reason}`, EXIT.violation);
  }
  if (sourceHash(system) !== doc.model.sourceSha256)
    err.write(`mmucheck: note: ${modelPath} changed since the trace was written; the trace still replays and its violation still holds\n`);

  const violation: FoundViolation = {
    kind: doc.violation.kind as ViolationKind,
    property: doc.violation.property,
    message: doc.violation.message,
    depth: doc.violation.depth,
    ...(doc.violation.cycle !== undefined
      ? {
          cycle: rechecked.path.slice(doc.violation.depth),
          cycleUnits: (doc.violation.cycleUnits ?? []).map((n) => system.fairUnitNames.indexOf(n)).filter((u) => u >= 0),
        }
      : {}),
    ...(doc.violation.pAt !== undefined ? { pAt: doc.violation.pAt } : {}),
    path: doc.violation.cycle !== undefined ? rechecked.path.slice(0, doc.violation.depth) : rechecked.path,
    ...(doc.steps.some((s) => s.failing) ? { failedAction: rechecked.trace.steps[rechecked.trace.steps.length - 1].action } : {}),
  };
  const fresh = traceDocument(system, rechecked.trace, violation, { version: VERSION, origin: doc.origin, memory });
  out.write(renderTrace(system, rechecked.trace, violation, fresh, format, color) as string);
  return EXIT.pass;
}
