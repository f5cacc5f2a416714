// `mmucheck check TEST.litmus`: a C litmus test of the Linux kernel, run under one memory
// model or all of them (--memory all), answered in herd7's terms and with the usual numbers.
//
// Exit codes: 0 when the run completed, whatever the observation (the test's outcome being
// reachable is its answer, not a failure; `mmucheck test` turns an expected observation into
// a CI gate); 1 when the translated model itself went wrong (a deadlock or a value out of
// range: a run that never reaches a final state); 2 bad input; 3 a limit stopped the search;
// 70 the engine failed.
import { formatTrace } from '../report/trace.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { headline, numbersBlock, summaryObject, verdictLine, type CheckRun } from '../report/summary.ts';
import { litmusJson, litmusLines, litmusRow } from '../litmus/report.ts';
import { runLitmus, type LitmusOutcome } from '../litmus/run.ts';
import { isBuffered, MEMORY_MODEL_NAMES, type MemoryModelName } from '../memory/index.ts';
import type { CheckFlags } from './check-command.ts';
import { failOption, oneOf, positiveInt, seconds, size } from './options.ts';
import { colorFor, VERSION } from './output.ts';
import { EXIT } from './run-check.ts';

export async function litmusCheckCommand(path: string, flags: CheckFlags): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const color = colorFor(out, flags.color);
  const errColor = colorFor(err, flags.color);
  if (flags.const.length) failOption('--const does not apply to a litmus test: it has no constants');
  if (flags.invariant.length || flags.property?.length)
    failOption('--invariant and --property do not apply to a litmus test: its property is its final condition');
  const memoryArg = oneOf('--memory', flags.memory, [...MEMORY_MODEL_NAMES, 'all'] as const) ?? 'sc';
  const storeBuffer = positiveInt('--store-buffer', flags.storeBuffer);
  if (storeBuffer !== undefined && memoryArg !== 'all' && !isBuffered(memoryArg))
    failOption(`--store-buffer goes with --memory ${MEMORY_MODEL_NAMES.filter(isBuffered).join(' or ')} (or all)`);
  const traceFormat = oneOf('--trace', flags.trace, ['table', 'text'] as const) ?? (out.isTTY ? 'table' : 'text');
  if (flags.traceOut) failOption('--trace-out does not apply to a litmus test yet: its witness is printed with the report');
  const limits = {
    maxStates: positiveInt('--max-states', flags.maxStates),
    maxDepth: positiveInt('--max-depth', flags.maxDepth, 0),
    timeLimitMs: (seconds('--time-limit', flags.timeLimit) ?? 0) * 1000 || undefined,
    memoryLimitBytes: size('--memory-limit', flags.memoryLimit),
  };
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const models: MemoryModelName[] = memoryArg === 'all' ? [...MEMORY_MODEL_NAMES] : [memoryArg];
  const outcomes: { memory: MemoryModelName; outcome: LitmusOutcome }[] = [];
  try {
    for (const memory of models) {
      const outcome = await runLitmus({ path, memory, storeBuffer: isBuffered(memory) ? storeBuffer : undefined, limits, shouldStop: () => interrupted });
      outcomes.push({ memory, outcome });
      if (outcome.kind === 'input') break; // the same for every memory model
    }
  } finally {
    process.off('SIGINT', onSigint);
  }

  const first = outcomes[0].outcome;
  if (first.kind === 'input') {
    err.write(renderDiagnostics(first.diagnostics, errColor) + '\n');
    return EXIT.input;
  }
  const runs = outcomes.map(({ memory, outcome }) => ({ memory, outcome, run: checkRun(outcome) }));
  if (flags.json) {
    const objects = runs.map((r) => r.run && summaryObject(r.run));
    out.write(JSON.stringify(models.length === 1 ? objects[0] : { tool: 'mmucheck', version: VERSION, file: path, runs: objects }) + '\n');
  } else if (models.length === 1) {
    out.write(single(runs[0].outcome, runs[0].run, traceFormat, flags.quiet === true, color) + '\n');
  } else {
    const name = first.kind === 'done' ? first.translation.test.name : path;
    const lines = [`mmucheck: ${name} (C litmus test), every memory model`];
    for (const r of runs)
      lines.push(
        r.outcome.kind === 'done' && r.outcome.answer ? litmusRow(r.memory, r.outcome.answer, color) : `  ${r.memory.padEnd(4)} ${problem(r.outcome, color)}`,
      );
    out.write(lines.join('\n') + '\n');
  }
  for (const r of runs) {
    if (r.outcome.kind === 'model-error' && !flags.json) err.write(renderDiagnostics([r.outcome.diagnostic], errColor) + '\n');
    if (r.outcome.kind === 'engine-error') err.write(`mmucheck: ${errColor.red.bold('internal error:')} the search failed: ${r.outcome.message}\n`);
  }
  const codes = runs.map((r) => exitCodeOf(r.outcome));
  for (const c of [EXIT.internal, EXIT.input, EXIT.interrupted, EXIT.incomplete, EXIT.violation]) if (codes.includes(c)) return c;
  return EXIT.pass;
}

function checkRun(o: LitmusOutcome): CheckRun | null {
  if (o.kind !== 'done') return null;
  const litmus = o.answer ? litmusJson(o.answer, o.memory.storeBuffer) : null;
  return { version: VERSION, system: o.system, memory: o.memory, workers: 1, result: o.result, ...(litmus ? { litmus } : {}) };
}

function single(o: LitmusOutcome, run: CheckRun | null, traceFormat: 'table' | 'text', quiet: boolean, color: ReturnType<typeof colorFor>): string {
  if (o.kind !== 'done' || !run) return problem(o, color);
  const lines = [headline(run).replace(/^mmucheck: [^,(]*( \([^)]*\))?/, `mmucheck: ${o.translation.test.name} (C litmus test)`)];
  if (o.answer) {
    lines.push(...litmusLines(o.answer, color));
    if (o.witness && !quiet) {
      const what =
        o.translation.test.quantifier === 'forall' ? 'a run to a final state where the condition fails' : 'a run to a final state where the condition holds';
      const drawn = formatTrace(o.system, o.witness.trace, o.witness.violation, traceFormat, color).trimEnd().split('\n');
      drawn[drawn.length - 1] = `final state after step ${o.witness.trace.steps.length}: ${o.witness.violation.message.replace(/^a final state where /, '')}`;
      lines.push('', `${what}:`, ...drawn, '');
    }
  } else {
    lines.push(verdictLine(run, color));
    if (o.trace && o.result.violation && !quiet) lines.push('', formatTrace(o.system, o.trace, o.result.violation, traceFormat, color).trimEnd(), '');
  }
  lines.push(numbersBlock(run));
  return lines.join('\n');
}

function problem(o: LitmusOutcome, color: ReturnType<typeof colorFor>): string {
  switch (o.kind) {
    case 'input':
      return color.red('bad input');
    case 'model-error':
      return color.red(`model error: ${o.diagnostic.message}`);
    case 'engine-error':
      return color.red(`internal error: ${o.message}`);
    case 'done': {
      const r = o.result;
      if (r.verdict === 'incomplete') return color.yellow(`incomplete (${r.stopReason}): no answer`);
      return color.red(`violation: ${r.violation?.message ?? r.violation?.kind}: no answer`);
    }
  }
}

export function exitCodeOf(o: LitmusOutcome): number {
  switch (o.kind) {
    case 'input':
    case 'model-error':
      return EXIT.input;
    case 'engine-error':
      return EXIT.internal;
    case 'done':
      if (o.answer) return EXIT.pass;
      if (o.result.verdict === 'incomplete') return o.result.stopReason === 'interrupted' ? EXIT.interrupted : EXIT.incomplete;
      return EXIT.violation;
  }
}
