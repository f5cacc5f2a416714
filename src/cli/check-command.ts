// `mmucheck check MODEL.mmu`: explore, print the verdict, the numbers and the counterexample.
import { availableParallelism } from 'node:os';
import { instantiate } from '../compile/system.ts';
import { ModelRuntimeError, type Progress } from '../explore/bfs.ts';
import { exploreParallel } from '../explore/parallel.ts';
import { replay } from '../explore/replay.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { formatBytes, headline, numbersBlock, summaryObject, verdictLine, type CheckRun } from '../report/summary.ts';
import { traceDocument } from '../report/trace-document.ts';
import { renderTrace, traceChoice, writeTrace, type TraceFlags } from './trace-output.ts';
import { colorFor, VERSION } from './output.ts';
import { constAssignments, failOption, oneOf, positiveInt, seconds, size } from './options.ts';
import { buildSystem, type MemoryChoice } from './pipeline.ts';

export interface CheckFlags extends TraceFlags {
  const: string[];
  workers?: string;
  memory?: string;
  storeBuffer?: string;
  deadlock: boolean;
  invariant: string[];
  maxStates?: string;
  maxDepth?: string;
  timeLimit?: string;
  memoryLimit?: string;
  trace?: string;
  traceOut?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  exact?: boolean;
}

export const EXIT = { pass: 0, violation: 1, input: 2, incomplete: 3, internal: 70, interrupted: 130 } as const;

export async function checkCommand(path: string, flags: CheckFlags): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const color = colorFor(out, flags.color);
  const errColor = colorFor(err, flags.color);

  const overrides = constAssignments(flags.const);
  const requestedWorkers = positiveInt('--workers', flags.workers) ?? availableParallelism();
  const memory = memoryChoice(flags);
  const traceOpt = traceChoice(flags, Boolean(out.isTTY));
  const limits = {
    maxStates: positiveInt('--max-states', flags.maxStates),
    maxDepth: positiveInt('--max-depth', flags.maxDepth, 0),
    timeLimitMs: (seconds('--time-limit', flags.timeLimit) ?? 0) * 1000 || undefined,
    memoryLimitBytes: size('--memory-limit', flags.memoryLimit),
  };

  const built = buildSystem(path, overrides, flags.invariant.length ? flags.invariant : undefined, memory);
  if (!built.system) {
    err.write(renderDiagnostics(built.diagnostics, errColor) + '\n');
    return EXIT.input;
  }
  const system = built.system;
  const workers = flags.exact ? 1 : requestedWorkers;
  if (flags.exact && requestedWorkers > 1 && flags.workers !== undefined && !flags.quiet && !flags.json)
    err.write('mmucheck: note: --exact explores with 1 worker\n');

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted); // a second Ctrl-C does not wait
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const progress = !flags.quiet && !flags.json ? progressPrinter(err) : undefined;
  let result;
  try {
    result = await exploreParallel(system, {
      workers,
      exact: flags.exact,
      deadlock: flags.deadlock,
      ...limits,
      onProgress: progress?.update,
      progressIntervalMs: err.isTTY ? 250 : 5000,
      shouldStop: () => interrupted,
    });
  } catch (e) {
    if (e instanceof ModelRuntimeError) {
      err.write(`mmucheck: ${errColor.red.bold('error:')} ${e.message}\n`);
      return EXIT.input;
    }
    // A worker thread that died (out of memory, killed): say so, never hang or dump a stack.
    err.write(`mmucheck: ${errColor.red.bold('internal error:')} the search failed: ${(e as Error).message}\n`);
    return EXIT.internal;
  } finally {
    progress?.clear();
    process.off('SIGINT', onSigint);
  }

  const run: CheckRun = { version: VERSION, system, memory: memory.memory, storeBuffer: memory.storeBuffer, workers, result };
  // Where each part goes: the --json summary owns stdout; so does a json/itf trace without
  // --trace-out (the human summary then goes to stderr); table/text traces sit in the report.
  const machineTrace = traceOpt.format === 'json' || traceOpt.format === 'itf';
  const traceToStdout = machineTrace && !traceOpt.out && !flags.json;
  let inReport: string | undefined;
  if (result.violation) {
    const trace = replay(system, instantiate(system), result.violation);
    const doc = traceDocument(system, trace, result.violation, { version: VERSION, origin: { command: 'check' }, ...memory });
    if (traceOpt.out) {
      writeTrace(traceOpt.out, renderTrace(system, trace, result.violation, doc, traceOpt.format, colorFor(out, false)));
    } else if (traceToStdout) {
      out.write(renderTrace(system, trace, result.violation, doc, traceOpt.format, color) as string);
    } else if (!flags.quiet) {
      inReport = renderTrace(system, trace, result.violation, doc, machineTrace ? traceOpt.format : traceOpt.format, flags.json ? errColor : color) as string;
    }
  }
  const human = [headline(run), verdictLine(run, traceToStdout ? errColor : color)];
  if (inReport && !flags.json) human.push('', inReport.trimEnd(), '');
  human.push(numbersBlock(run));
  if (traceOpt.out && result.violation) human.push(`  counterexample written to ${traceOpt.out} (${traceOpt.format})`);
  if (flags.json) {
    out.write(JSON.stringify(summaryObject(run)) + '\n');
    if (inReport) err.write(inReport);
  } else (traceToStdout ? err : out).write(human.join('\n') + '\n');
  if (result.verdict === 'violation') return EXIT.violation;
  if (result.verdict === 'incomplete') return result.stopReason === 'interrupted' ? EXIT.interrupted : EXIT.incomplete;
  return EXIT.pass;
}

function progressPrinter(err: NodeJS.WriteStream) {
  let shown = false;
  return {
    update(p: Progress) {
      const rate = Math.round(p.states / Math.max(p.elapsedMs / 1000, 0.001)).toLocaleString('en-US');
      const line = `depth ${p.depth}, ${p.states.toLocaleString('en-US')} states, ${rate} states/s, frontier ${p.frontier.toLocaleString('en-US')}, memory ${formatBytes(p.memoryBytes)}`;
      if (err.isTTY) {
        err.write(`\r\x1b[K${line}`);
        shown = true;
      } else err.write(`mmucheck: ${line}\n`);
    },
    clear() {
      if (shown) err.write('\r\x1b[K');
    },
  };
}

/** --memory sc|tso and --store-buffer K (only meaningful with tso). */
export function memoryChoice(flags: { memory?: string; storeBuffer?: string }): MemoryChoice {
  const memory = oneOf('--memory', flags.memory, ['sc', 'tso', 'arm'] as const) ?? 'sc';
  const storeBuffer = positiveInt('--store-buffer', flags.storeBuffer);
  if (storeBuffer !== undefined && memory === 'sc') failOption('--store-buffer goes with --memory tso or arm');
  return memory === 'sc' ? { memory } : { memory, storeBuffer: storeBuffer ?? 2 };
}
