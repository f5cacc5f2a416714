// `mmucheck test [SPEC.json or folder ...]`: run every check of the specs, compare each with
// its expectation, print one line per check and `N passed, N failed`. Exit 0 when every
// check met its expectation, 1 when one did not, 2 when a spec or its model is unusable
// (those are listed as failed checks too, and the other checks still run).
import { checkOutputPath, writeOutputFile } from './output-file.ts';
import { relative } from 'node:path';
import type { ExploreResult } from '../explore/bfs.ts';
import { memorySpec } from '../memory/index.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { junitXml, type JunitCase } from '../report/junit.ts';
import { formatTrace } from '../report/trace.ts';
import { traceDocument } from '../report/trace-document.ts';
import { colorFor, VERSION } from './output.ts';
import { threadsFromOption, workersOption, type CheckRequest } from './request.ts';
import { EXIT, runCheck } from './run-check.ts';
import { isLitmusPath, runLitmus } from '../litmus/run.ts';
import { isBuffered } from '../memory/index.ts';
import { loadSpec, specFiles, type SpecCheck } from './specs.ts';
import { tracePages } from './trace-output.ts';

export interface TestFlags {
  color?: boolean;
  quiet?: boolean;
  workers?: string;
  junit?: string;
  json?: boolean;
  force?: boolean;
  traceDir?: string;
}

export interface CheckOutcome {
  readonly spec: string;
  readonly check: string;
  readonly ok: boolean;
  readonly badInput: boolean;
  readonly reason?: string;
  readonly result?: ExploreResult;
  readonly seconds?: number;
  readonly counterexample?: string; // the table, when a missed check found a violation
  readonly page?: string; // the counterexample page written under --trace-dir
  readonly observation?: string; // for a .litmus test: herd7's Never, Sometimes or Always
}

/** A check of a C litmus test: its observation (and final-state count) against the spec's. */
async function litmusSpecCheck(spec: string, path: string, check: SpecCheck): Promise<CheckOutcome> {
  const outcome = await runLitmus({
    path,
    memory: check.memory,
    storeBuffer: isBuffered(check.memory) ? check.storeBuffer : undefined,
    limits: { maxStates: check.maxStates },
  });
  const base = { spec, check: check.name };
  switch (outcome.kind) {
    case 'input':
    case 'model-error': {
      const ds = outcome.kind === 'input' ? outcome.diagnostics : [outcome.diagnostic];
      return { ...base, ok: false, badInput: true, reason: renderDiagnostics(ds, colorFor(process.stdout, false)) };
    }
    case 'engine-error':
      return { ...base, ok: false, badInput: false, reason: outcome.message };
    case 'done': {
      const e = check.expect;
      const a = outcome.answer;
      if (!a || e.verdict !== undefined) {
        const why =
          outcome.result.verdict === 'incomplete'
            ? `the search did not complete (${outcome.result.stopReason})`
            : `no final state was reached: ${outcome.result.violation?.message}`;
        return { ...base, ok: false, badInput: false, reason: why, result: outcome.result };
      }
      let reason: string | undefined;
      if (a.observation !== e.observation)
        reason = `expected Observation ${e.observation}, found ${a.observation} (States ${a.states}: ${a.finalStates.join(' | ')})`;
      else if (e.states !== undefined && a.states !== e.states) reason = `expected States ${e.states}, found ${a.states}`;
      return { ...base, ok: reason === undefined, badInput: false, reason, result: outcome.result, observation: a.observation };
    }
  }
}

/** Whether a result meets an expectation; the reason when it does not. */
export function judge(expect: SpecCheck['expect'], r: ExploreResult): string | undefined {
  if (r.verdict === 'incomplete') return `the search did not complete (${r.stopReason})`;
  if (expect.verdict === undefined) return 'an expected observation goes with a .litmus test';
  if (expect.verdict === 'pass') {
    if (r.verdict !== 'pass') {
      const v = r.violation!;
      return `expected pass, found a violation of ${v.kind === 'invariant' || v.kind === 'liveness' ? v.property : v.kind} at depth ${v.depth}`;
    }
    if (expect.states !== undefined && r.states !== expect.states) return `expected ${expect.states} states, found ${r.states}`;
    if (expect.maxDepth !== undefined && r.maxDepth !== expect.maxDepth) return `expected max depth ${expect.maxDepth}, found ${r.maxDepth}`;
    return undefined;
  }
  if (r.verdict === 'pass') return `expected a violation at depth ${expect.depth}, but every property holds (${r.states} states)`;
  const v = r.violation!;
  if (expect.kind !== undefined && v.kind !== expect.kind) return `expected a ${expect.kind} violation, found ${v.kind} (${v.property})`;
  if (expect.property !== undefined && v.property !== expect.property) return `expected ${expect.property} to fail, found ${v.property}`;
  if (v.depth !== expect.depth) return `expected depth ${expect.depth}, found ${v.depth}`;
  return undefined;
}

export async function testCommand(args: string[], flags: TestFlags): Promise<number> {
  if (flags.junit) checkOutputPath('--junit', flags.junit, flags.force);
  const pages = flags.traceDir ? tracePages(flags.traceDir, Boolean(flags.force)) : undefined;
  // With --json, stdout carries the one report; the lines a person reads go to stderr.
  const out = flags.json ? process.stderr : process.stdout;
  const err = process.stderr;
  const color = colorFor(out, flags.color);
  const plain = colorFor(out, false);
  const workers = workersOption(flags.workers);
  const outcomes: CheckOutcome[] = [];
  const { files, errors } = specFiles(args);
  // A file or folder that is not there, or a folder without specs: said, and exit 2.
  for (const e of errors) err.write(`mmucheck: ${colorFor(err, flags.color).red.bold('error:')} ${e}\n`);

  const line = (o: CheckOutcome, ms: number) => {
    const mark = o.ok ? color.green('ok  ') : color.red('FAIL');
    const r = o.result;
    const verdict = o.observation
      ? `Observation ${o.observation}`
      : r
        ? r.verdict === 'violation'
          ? `violation ${r.violation!.kind === 'invariant' || r.violation!.kind === 'liveness' ? r.violation!.property : r.violation!.kind} at depth ${r.violation!.depth}`
          : r.verdict
        : 'error';
    const states = r ? `${r.states.toLocaleString('en-US')} states` : '';
    const name = o.check.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'); // no terminal escapes from a spec
    out.write(`${mark} ${o.spec} › ${name}  ${verdict}${states ? `, ${states}` : ''}, ${(ms / 1000).toFixed(2)} s\n`);
    if (!o.ok && o.reason) out.write(`     ${o.reason.split('\n').join('\n     ')}\n`);
    if (o.page) out.write(`     counterexample page: ${o.page}\n`);
  };

  const skipped: { spec: string; check: string; reason: string }[] = [];
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    const loaded = loadSpec(file);
    if (!loaded.spec) {
      const o = { spec: shown, check: '(spec)', ok: false, badInput: true, reason: loaded.error };
      outcomes.push(o);
      line(o, 0);
      continue;
    }
    for (const check of loaded.spec.checks) {
      const t0 = Date.now();
      if (check.skip) {
        skipped.push({ spec: shown, check: check.name, reason: check.skip });
        out.write(`${color.cyan('skip')} ${shown} › ${check.name}  ${check.skip}\n`);
        continue;
      }
      if (isLitmusPath(loaded.spec.model)) {
        const o = await litmusSpecCheck(shown, loaded.spec.model, check);
        const ms = Date.now() - t0;
        outcomes.push({ ...o, seconds: ms / 1000 });
        line(o, ms);
        continue;
      }
      const request: CheckRequest = {
        model: loaded.spec.model,
        constants: check.const,
        invariants: check.invariants,
        properties: check.properties,
        liveness: check.liveness,
        symmetry: check.symmetry,
        memory: memorySpec(check.memory, check.storeBuffer),
        deadlock: check.deadlock,
        workers,
        threadsFrom: threadsFromOption(flags.workers),
        exact: false,
        limits: { maxStates: check.maxStates },
      };
      const outcome = await runCheck(request);
      let o: CheckOutcome;
      switch (outcome.kind) {
        case 'input':
        case 'model-error': {
          const ds = outcome.kind === 'input' ? outcome.diagnostics : [outcome.diagnostic];
          o = { spec: shown, check: check.name, ok: false, badInput: true, reason: renderDiagnostics(ds, plain) };
          break;
        }
        case 'engine-error':
          // A failed worker: this check fails, the rest run.
          o = { spec: shown, check: check.name, ok: false, badInput: false, reason: outcome.message };
          break;
        case 'done': {
          const { system, result, trace } = outcome;
          const reason = judge(check.expect, result);
          const counterexample = reason && result.violation && trace ? formatTrace(system, trace, result.violation, 'table', plain) : undefined;
          const page =
            counterexample && pages
              ? pages.write(
                  shown,
                  check.name,
                  system,
                  trace!,
                  traceDocument(system, trace!, result.violation!, { version: VERSION, origin: { command: 'check' }, memory: request.memory }),
                )
              : undefined;
          o = { spec: shown, check: check.name, ok: reason === undefined, badInput: false, reason, result, counterexample, page };
        }
      }
      const ms = Date.now() - t0;
      outcomes.push({ ...o, seconds: ms / 1000 });
      line(o, ms);
    }
  }
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;

  if (flags.junit) writeOutputFile('--junit', flags.junit, junitXml(outcomes.map(junitCase)), flags.force);
  if (flags.json) process.stdout.write(JSON.stringify({ ...jsonReport(outcomes, passed, failed), ...(skipped.length ? { skipped } : {}) }) + '\n');
  out.write(`${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}\n`);
  if (outcomes.length === 0) err.write(`mmucheck: ${colorFor(err, flags.color).red.bold('error:')} no checks ran\n`);
  if (errors.length || outcomes.length === 0 || outcomes.some((o) => o.badInput)) return EXIT.input;
  return failed ? EXIT.violation : EXIT.pass;
}

function verdictText(r: ExploreResult): string {
  if (r.verdict !== 'violation') return r.verdict;
  const v = r.violation!;
  return `violation ${v.kind === 'invariant' || v.kind === 'liveness' ? v.property : v.kind} at depth ${v.depth}`;
}

function junitCase(o: CheckOutcome): JunitCase {
  const base = { suite: o.spec, name: o.check, seconds: o.seconds ?? 0 };
  const summary = o.result ? `${verdictText(o.result)}, ${o.result.states} states` : undefined;
  if (o.ok) return { ...base, outcome: 'passed', summary };
  const detail = [o.reason ?? '', o.counterexample ? `\n${o.counterexample}` : ''].join('');
  return { ...base, outcome: o.badInput ? 'error' : 'failed', message: (o.reason ?? '').split('\n')[0], detail, summary };
}

function jsonReport(outcomes: CheckOutcome[], passed: number, failed: number) {
  return {
    tool: 'mmucheck',
    version: VERSION,
    passed,
    failed,
    checks: outcomes.map((o) => ({
      spec: o.spec,
      name: o.check,
      ok: o.ok,
      badInput: o.badInput,
      reason: o.reason ?? null,
      verdict: o.result?.verdict ?? null,
      states: o.result?.states ?? null,
      violation: o.result?.violation ? { kind: o.result.violation.kind, property: o.result.violation.property, depth: o.result.violation.depth } : null,
      durationMs: Math.round((o.seconds ?? 0) * 1000),
    })),
  };
}
