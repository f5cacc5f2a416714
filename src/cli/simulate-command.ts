// `mmucheck simulate MODEL --steps N --seed S [--runs R]`: random walks that check the same
// properties as `check`, for models too large to exhaust. Exit 1 with a trace on a violation;
// exit 0 when none was found, which proves nothing about the walks not taken.
import * as I from '../check/ir.ts';
import { instantiate } from '../compile/system.ts';
import { replay } from '../explore/replay.ts';
import { simulate } from '../explore/simulate.ts';
import { memoryLabel } from '../memory/index.ts';
import { constantsObject } from '../report/summary.ts';
import { traceDocument } from '../report/trace-document.ts';
import { describeProperty } from '../report/trace.ts';
import { constAssignments, positiveInt } from './options.ts';
import { colorFor, VERSION } from './output.ts';
import { memoryOption, type ModelFlags } from './request.ts';
import { buildOrReport, EXIT, modelErrorDiagnostic } from './run-check.ts';
import { ModelError } from '../explore/errors.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { renderTrace, traceChoice, writeTrace, type TraceFlags } from './trace-output.ts';

export interface SimulateFlags extends TraceFlags, ModelFlags {
  steps?: string;
  seed?: string;
  runs?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
}

export async function simulateCommand(path: string, flags: SimulateFlags): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const color = colorFor(out, flags.color);
  const errColor = colorFor(err, flags.color);
  const steps = positiveInt('--steps', flags.steps) ?? 1000;
  const seed = positiveInt('--seed', flags.seed, 0) ?? 1;
  const runs = positiveInt('--runs', flags.runs) ?? 1;
  const traceOpt = traceChoice(flags, Boolean(out.isTTY));
  const memory = memoryOption(flags);
  const system = buildOrReport(path, constAssignments(flags.const), flags.invariant.length ? flags.invariant : undefined, memory, err, errColor);
  if (!system) return EXIT.input;
  const kernel = instantiate(system);
  let interrupted = false;
  const onSigint = () => (interrupted = true);
  process.on('SIGINT', onSigint);
  let r: Awaited<ReturnType<typeof simulate>>;
  try {
    r = await simulate(system, kernel, { steps, runs, seed, deadlock: flags.deadlock, shouldStop: () => interrupted });
  } catch (e) {
    // A model error (a runaway atomic block, too many choices) at the step that was running.
    if (!(e instanceof ModelError)) throw e;
    err.write(renderDiagnostics([modelErrorDiagnostic(system, e)], errColor) + '\n');
    return EXIT.input;
  } finally {
    process.off('SIGINT', onSigint);
  }

  const m = system.model;
  const consts = m.constants.map((c) => `${c.name}=${I.showValue(c.type, c.value)}`).join(', ');
  const mem = memoryLabel(memory);
  const lines = [
    `mmucheck: ${m.name}${consts ? ` (${consts})` : ''}, ${mem}, simulation: ${runs} run${runs === 1 ? '' : 's'} of up to ${steps} steps, seed ${seed}`,
  ];
  let traceText: string | undefined;
  if (r.violation) {
    const trace = replay(system, kernel, r.violation);
    const doc = traceDocument(system, trace, r.violation, { version: VERSION, origin: { command: 'simulate', seed, run: r.run }, memory });
    if (traceOpt.out) writeTrace(traceOpt.out, renderTrace(system, trace, r.violation, doc, traceOpt.format, colorFor(out, false)), traceOpt.force);
    else if (!flags.quiet) traceText = renderTrace(system, trace, r.violation, doc, traceOpt.format, flags.json ? errColor : color) as string;
    lines.push(
      color.red.bold(
        `violation: ${describeProperty(r.violation)}, found in run ${r.run + 1} at step ${r.violation.depth} (a random walk: not necessarily the shortest)`,
      ),
    );
  } else if (r.verdict === 'incomplete') {
    lines.push(color.yellow.bold(`incomplete: interrupted after ${r.runsDone} runs; no violation found`));
  } else {
    lines.push(
      color.green.bold(`no violation in ${runs} random walk${runs === 1 ? '' : 's'} (${r.stepsTaken.toLocaleString('en-US')} steps): this is not a proof`),
    );
  }
  if (flags.json) {
    out.write(
      JSON.stringify({
        tool: 'mmucheck',
        version: VERSION,
        command: 'simulate',
        model: m.name,
        file: m.mainFile.path,
        constants: constantsObject(m),
        memory: memory.name,
        seed,
        runs,
        steps,
        exhaustive: false,
        verdict: r.verdict,
        violation: r.violation
          ? { kind: r.violation.kind, property: r.violation.property, depth: r.violation.depth, message: r.violation.message, run: r.run + 1 }
          : null,
        stepsTaken: r.stepsTaken,
        durationMs: r.durationMs,
      }) + '\n',
    );
    if (traceText) err.write(traceText);
  } else {
    if (traceText) lines.push('', traceText.trimEnd(), '');
    if (traceOpt.out && r.violation) lines.push(`  counterexample written to ${traceOpt.out} (${traceOpt.format})`);
    out.write(lines.join('\n') + '\n');
  }
  if (r.verdict === 'violation') return EXIT.violation;
  return r.verdict === 'incomplete' ? EXIT.interrupted : EXIT.pass;
}
