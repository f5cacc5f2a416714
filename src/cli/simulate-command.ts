// `mmucheck simulate MODEL [--steps N] [--seed S] [--runs R] [--time-limit SECONDS]`: random
// walks that check the same properties as `check`, for models too large to exhaust. Walks
// start one after another until --runs walks, the time limit (default 10 s without --runs) or
// a violation. Exit 1 with a trace on a violation; exit 0 when none was found, which proves
// nothing about the walks not taken; 130 on Ctrl-C.
import { randomInt } from 'node:crypto';
import * as I from '../check/ir.ts';
import { instantiate } from '../compile/system.ts';
import { replay } from '../explore/replay.ts';
import { simulate } from '../explore/simulate.ts';
import { memoryLabel } from '../memory/index.ts';
import { constantsObject } from '../report/summary.ts';
import { traceDocument } from '../report/trace-document.ts';
import { describeProperty } from '../report/trace.ts';
import { modelArgument } from './bundled.ts';
import { constAssignments, positiveInt, seconds } from './options.ts';
import { formatBytes } from '../report/summary.ts';
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
  timeLimit?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** Without --runs and --time-limit, walks are taken for this long. */
export const DEFAULT_SIMULATE_SECONDS = 10;

export async function simulateCommand(path: string, flags: SimulateFlags): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const color = colorFor(out, flags.color);
  const errColor = colorFor(err, flags.color);
  const steps = positiveInt('--steps', flags.steps) ?? 1000;
  // Without --seed, a random one, printed so that the run can be repeated.
  const seed = positiveInt('--seed', flags.seed, 0) ?? randomInt(2 ** 31);
  const runs = positiveInt('--runs', flags.runs);
  const limitSeconds = seconds('--time-limit', flags.timeLimit) ?? (runs === undefined ? DEFAULT_SIMULATE_SECONDS : undefined);
  const traceOpt = traceChoice(flags, Boolean(out.isTTY));
  const memory = memoryOption(flags);
  const system = buildOrReport(modelArgument(path), constAssignments(flags.const), flags.invariant.length ? flags.invariant : undefined, memory, err, errColor);
  if (!system) return EXIT.input;
  const kernel = instantiate(system);
  const m = system.model;
  const consts = m.constants.map((c) => `${c.name}=${I.showValue(c.type, c.value)}`).join(', ');
  const mem = memoryLabel(memory);
  const budget = [runs !== undefined ? `${runs} walk${runs === 1 ? '' : 's'}` : '', limitSeconds !== undefined ? `${limitSeconds} s` : '']
    .filter(Boolean)
    .join(' or ');
  const header = `mmucheck: ${m.name}${consts ? ` (${consts})` : ''}, ${mem}, simulation: walks of up to ${steps} steps for ${budget}, seed ${seed}`;
  // The header first, as `check` prints it; to stderr when stdout carries JSON (the --json
  // summary, or a json/itf trace without --trace-out, which then stands alone on stdout).
  const traceToStdout = (traceOpt.format === 'json' || traceOpt.format === 'itf') && !traceOpt.out && !flags.json;
  const human = flags.json || traceToStdout ? err : out;
  if (!flags.quiet) human.write(header + '\n');

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  let shown = false;
  let r: Awaited<ReturnType<typeof simulate>>;
  try {
    r = await simulate(system, kernel, {
      steps,
      runs,
      seed,
      deadlock: flags.deadlock,
      timeLimitMs: limitSeconds === undefined ? undefined : limitSeconds * 1000,
      shouldStop: () => interrupted,
      progressIntervalMs: err.isTTY ? 250 : 5000,
      onProgress:
        flags.quiet || flags.json
          ? undefined
          : (p) => {
              const line = `${(p.elapsedMs / 1000).toFixed(0)} s, ${p.runsDone.toLocaleString('en-US')} walks, ${p.stepsTaken.toLocaleString('en-US')} steps, ${Math.round(p.stepsTaken / Math.max(p.elapsedMs / 1000, 0.001)).toLocaleString('en-US')} steps/s, memory ${formatBytes(process.memoryUsage().rss)}`;
              if (err.isTTY) {
                err.write(`\r\x1b[K${line}`);
                shown = true;
              } else err.write(`mmucheck: ${line}\n`);
            },
    });
  } catch (e) {
    // A model error (a runaway atomic block, too many choices) at the step that was running.
    if (!(e instanceof ModelError)) throw e;
    if (shown) err.write('\r\x1b[K');
    err.write(`${renderDiagnostics([modelErrorDiagnostic(system, e)], errColor)}\n`);
    return EXIT.input;
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (shown) err.write('\r\x1b[K');

  const lines: string[] = [];
  let traceText: string | undefined;
  if (r.violation) {
    const trace = replay(system, kernel, r.violation);
    const doc = traceDocument(system, trace, r.violation, { version: VERSION, origin: { command: 'simulate', seed, run: r.run }, memory });
    if (traceOpt.out) writeTrace(traceOpt.out, renderTrace(system, trace, r.violation, doc, traceOpt.format, colorFor(out, false)), traceOpt.force);
    else if (!flags.quiet) traceText = renderTrace(system, trace, r.violation, doc, traceOpt.format, flags.json ? errColor : color) as string;
    lines.push(
      color.red.bold(
        `violation: ${describeProperty(r.violation)}, found in walk ${r.run + 1} at step ${r.violation.depth} (a random walk: not necessarily the shortest)`,
      ),
    );
  } else if (r.verdict === 'incomplete') {
    lines.push(color.yellow.bold(`incomplete: interrupted after ${r.runsDone.toLocaleString('en-US')} walks; no violation found`));
  } else {
    const why = r.stopReason === 'time-limit' ? ` in ${limitSeconds} s` : '';
    lines.push(
      color.green.bold(
        `no violation in ${r.runsDone.toLocaleString('en-US')} random walk${r.runsDone === 1 ? '' : 's'}${why} (${r.stepsTaken.toLocaleString('en-US')} steps): this is not a proof`,
      ),
    );
  }
  if (!flags.quiet) lines.push(`  seed ${seed} (the same --seed and --runs repeat these walks)`);
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
        runs: r.runsDone,
        steps,
        timeLimitSeconds: limitSeconds ?? null,
        stopReason: r.stopReason,
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
    if (traceText && traceToStdout) out.write(traceText);
    else if (traceText && !flags.quiet) lines.splice(1, 0, '', traceText.trimEnd(), '');
    if (traceOpt.out && r.violation && !flags.quiet) lines.push(`  counterexample written to ${traceOpt.out} (${traceOpt.format})`);
    human.write(lines.join('\n') + '\n');
  }
  if (r.verdict === 'violation') return EXIT.violation;
  return r.verdict === 'incomplete' ? EXIT.interrupted : EXIT.pass;
}
