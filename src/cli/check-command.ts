// `mmucheck check MODEL.mmu`: request -> run -> render. Explore, print the verdict, the
// numbers and the counterexample, and exit with the code the verdict calls for.
import type { Progress } from '../explore/bfs.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { formatBytes, headline, numbersBlock, summaryObject, verdictLine, type CheckRun } from '../report/summary.ts';
import { traceDocument } from '../report/trace-document.ts';
import { colorFor, VERSION } from './output.ts';
import { checkRequest, type CheckFlags as RequestFlags } from './request.ts';
import { EXIT, exitCode, runCheck, type RunOutcome } from './run-check.ts';
import { isLitmusPath } from '../litmus/run.ts';
import { litmusCheckCommand } from './litmus-command.ts';
import { renderTrace, traceChoice, writeTrace, type TraceFlags } from './trace-output.ts';

export { EXIT } from './run-check.ts';

export interface CheckFlags extends RequestFlags, TraceFlags {
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
}

export async function checkCommand(path: string, flags: CheckFlags): Promise<number> {
  if (isLitmusPath(path)) return litmusCheckCommand(path, flags); // a C litmus test (docs/litmus.md)
  const out = process.stdout;
  const err = process.stderr;
  const color = colorFor(out, flags.color);
  const errColor = colorFor(err, flags.color);
  const request = checkRequest(path, flags);
  const traceOpt = traceChoice(flags, Boolean(out.isTTY));
  if (flags.exact && Number(flags.workers) > 1 && !flags.quiet && !flags.json) err.write('mmucheck: note: --exact explores with 1 worker\n');

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted); // a second Ctrl-C does not wait
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const progress = !flags.quiet && !flags.json ? progressPrinter(err) : undefined;
  // The summary goes to stderr when a json/itf trace owns stdout.
  const machineTrace = traceOpt.format === 'json' || traceOpt.format === 'itf';
  const traceToStdout = machineTrace && !traceOpt.out && !flags.json;
  const summaryStream = traceToStdout ? err : out;
  let outcome: RunOutcome;
  try {
    outcome = await runCheck(request, {
      onProgress: progress?.update,
      progressIntervalMs: err.isTTY ? 250 : 5000,
      shouldStop: () => interrupted,
      // What is being checked, before the search starts (a long search shows it at once).
      onStart: (system, workers, threadsFrom) => {
        if (!flags.quiet && !flags.json) summaryStream.write(headline({ system, memory: request.memory, workers }, threadsFrom) + '\n');
      },
    });
  } finally {
    progress?.clear();
    process.off('SIGINT', onSigint);
  }

  switch (outcome.kind) {
    case 'input':
      err.write(renderDiagnostics(outcome.diagnostics, errColor) + '\n');
      return exitCode(outcome);
    case 'model-error':
      err.write(renderDiagnostics([outcome.diagnostic], errColor) + '\n');
      return exitCode(outcome);
    case 'engine-error':
      // A worker thread that died (out of memory, killed), or a bug: say so, never hang or dump a stack.
      err.write(`mmucheck: ${errColor.red.bold('internal error:')} the search failed: ${outcome.message}\n`);
      return exitCode(outcome);
    case 'done':
      break;
  }

  const { system, result, trace } = outcome;
  const run: CheckRun = { version: VERSION, system, memory: request.memory, workers: outcome.workers, result };
  // Where each part goes: the --json summary owns stdout; so does a json/itf trace without
  // --trace-out (the human summary then goes to stderr); table/text traces sit in the report.
  let inReport: string | undefined;
  if (result.violation && trace) {
    const doc = traceDocument(system, trace, result.violation, { version: VERSION, origin: { command: 'check' }, memory: request.memory });
    if (traceOpt.out) {
      writeTrace(traceOpt.out, renderTrace(system, trace, result.violation, doc, traceOpt.format, colorFor(out, false)), traceOpt.force);
    } else if (traceToStdout) {
      out.write(renderTrace(system, trace, result.violation, doc, traceOpt.format, color) as string);
    } else if (!flags.quiet) {
      inReport = renderTrace(system, trace, result.violation, doc, traceOpt.format, flags.json ? errColor : color) as string;
    }
  }
  const verdict = verdictLine(run, traceToStdout ? errColor : color);
  if (flags.quiet && !flags.json) {
    summaryStream.write(verdict + '\n');
    return exitCode(outcome);
  }
  const human = [verdict];
  if (inReport && !flags.json) human.push('', inReport.trimEnd(), '');
  human.push(numbersBlock(run));
  if (traceOpt.out && result.violation) human.push(`  counterexample written to ${traceOpt.out} (${traceOpt.format})`);
  if (flags.json) {
    out.write(JSON.stringify(summaryObject(run)) + '\n');
    if (inReport) err.write(inReport);
  } else summaryStream.write(human.join('\n') + '\n');
  return exitCode(outcome);
}

function progressPrinter(err: NodeJS.WriteStream) {
  let shown = false;
  return {
    update(p: Progress) {
      const rate = Math.round(p.states / Math.max(p.elapsedMs / 1000, 0.001)).toLocaleString('en-US');
      const line = `${(p.elapsedMs / 1000).toFixed(0)} s, depth ${p.depth}, ${p.states.toLocaleString('en-US')} states, ${rate} states/s, frontier ${p.frontier.toLocaleString('en-US')}, memory ${formatBytes(p.memoryBytes)}`;
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
