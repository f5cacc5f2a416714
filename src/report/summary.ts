// The verdict and the numbers of a check, for people (text) and for machines (--json).
import type { ChalkInstance } from 'chalk';
import * as I from '../check/ir.ts';
import type { TransitionSystem } from '../compile/system.ts';
import type { ExploreResult } from '../explore/bfs.ts';
import type { ThreadsFrom } from '../explore/parallel.ts';
import { memoryLabel, type MemorySpec } from '../memory/index.ts';
import { describeProperty } from './trace.ts';

export interface CheckRun {
  readonly version: string;
  readonly system: TransitionSystem;
  readonly memory: MemorySpec;
  readonly workers: number;
  readonly result: ExploreResult;
  /** For a C litmus test: herd7's answer (src/litmus), carried into --json as `litmus`. */
  readonly litmus?: Record<string, unknown>;
}

/** n·(g−n)/2^64, as TLC estimates it: n distinct states, g states generated. */
export function collisionProbability(states: number, transitions: number): number {
  const g = transitions + 1;
  return (states * Math.max(0, g - states)) / 2 ** 64;
}

export function constantsObject(model: I.CheckedModel): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const c of model.constants) {
    out[c.name] = c.type.kind === 'bool' ? c.value !== 0 : c.type.kind === 'enum' ? c.type.members[c.value] : c.value;
  }
  return out;
}

export function statesPerSecond(r: ExploreResult): number {
  return Math.round(r.states / Math.max(r.durationMs / 1000, 0.001));
}

export function summaryObject(run: CheckRun): Record<string, unknown> {
  const r = run.result;
  return {
    tool: 'mmucheck',
    version: run.version,
    model: run.system.model.name,
    file: run.system.model.mainFile.path,
    constants: constantsObject(run.system.model),
    memory: run.memory.name,
    storeBuffer: run.memory.storeBuffer ?? null,
    workers: run.workers,
    verdict: r.verdict,
    stopReason: r.stopReason,
    violation: r.violation
      ? {
          kind: r.violation.kind,
          property: r.violation.property,
          depth: r.violation.depth,
          message: r.violation.message,
          ...(r.violation.cycle ? { cycle: r.violation.cycle.length } : {}),
        }
      : null,
    states: r.states,
    transitions: r.transitions,
    maxDepth: r.maxDepth,
    durationMs: r.durationMs,
    statesPerSecond: statesPerSecond(r),
    peakMemoryBytes: r.peakMemoryBytes,
    collisionProbability: r.exact ? 0 : collisionProbability(r.states, r.transitions),
    exact: r.exact,
    liveness: r.liveness ?? null,
    symmetry: run.system.symmetry ? { types: run.system.symmetry.types.map((t) => ({ name: t.name, values: t.n })) } : null,
    ...(run.litmus ? { litmus: run.litmus } : {}),
  };
}

const n = (x: number): string => x.toLocaleString('en-US');

export function formatBytes(b: number): string {
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(1)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  return `${(b / 1024).toFixed(1)} KiB`;
}

/** `mmucheck: MODEL (CONSTANTS), memory M, N workers`: printed before the search starts. */
export function headline(run: Pick<CheckRun, 'system' | 'memory' | 'workers'>, threadsFrom?: ThreadsFrom): string {
  const m = run.system.model;
  const consts = m.constants.map((c) => `${c.name}=${I.showValue(c.type, c.value)}`).join(', ');
  const w =
    threadsFrom !== undefined
      ? `1 worker (${run.workers} past ${threadsFrom.ms / 1000} s and ${n(threadsFrom.states)} states)`
      : `${run.workers} worker${run.workers === 1 ? '' : 's'}`;
  const mem = memoryLabel(run.memory);
  return `mmucheck: ${m.name}${consts ? ` (${consts})` : ''}, ${mem}, ${w}`;
}

export function verdictLine(run: CheckRun, color: ChalkInstance): string {
  const r = run.result;
  if (r.verdict === 'violation') {
    const v = r.violation!;
    if (v.cycle) {
      const how = v.cycle.length ? `then a fair cycle of ${v.cycle.length} step${v.cycle.length === 1 ? '' : 's'}` : 'ending where no step is enabled';
      return color.red.bold(`violation: ${describeProperty(v)}, a lasso: a stem of ${v.depth} step${v.depth === 1 ? '' : 's'}, ${how}`);
    }
    return color.red.bold(`violation: ${describeProperty(v)}, found at depth ${v.depth}`);
  }
  if (r.verdict === 'incomplete') {
    const why: Record<string, string> = {
      'max-states': 'the state limit (--max-states) was reached',
      'max-depth': 'the depth limit (--max-depth) was reached',
      'time-limit': 'the time limit (--time-limit) was reached',
      'memory-limit': 'the memory limit (--memory-limit) was reached',
      interrupted: 'interrupted',
    };
    const found = r.violation
      ? `a violation was found before it stopped (${describeProperty(r.violation)} at depth ${r.violation.depth}); a shallower one may exist`
      : 'no violation found in the states explored';
    // With temporal properties the search also records the graph, which costs memory of its own.
    const graph =
      r.stopReason === 'memory-limit' && run.system.properties.length
        ? r.liveness
          ? '; safety holds, but the liveness analysis of the graph would not fit (about 56 bytes per state more); the properties were not checked'
          : '; the search was recording the graph the temporal properties need (or pass --no-liveness)'
        : '';
    return color.yellow.bold(`incomplete: ${why[r.stopReason ?? 'interrupted']}; ${found}${graph}`);
  }
  const invs = run.system.invariantNames.length;
  const props = r.liveness?.properties ?? 0;
  const what = `${invs} invariant${invs === 1 ? '' : 's'}${props ? `, ${props} temporal propert${props === 1 ? 'y' : 'ies'}` : ''}`;
  return color.green.bold(`pass: ${what} and every assertion hold on all reachable states${props ? ' (for every fair execution)' : ''}`);
}

export function numbersBlock(run: CheckRun): string {
  const r = run.result;
  const p = r.exact ? 0 : collisionProbability(r.states, r.transitions);
  return [
    `  ${n(r.states)} distinct states, ${n(r.transitions)} transitions, max depth ${r.maxDepth}`,
    `  ${(r.durationMs / 1000).toFixed(2)} s, ${n(statesPerSecond(r))} states/s, peak memory ${formatBytes(r.peakMemoryBytes)}`,
    r.exact
      ? '  whole states stored (--exact): no fingerprint collision possible'
      : `  fingerprint collision probability ${p === 0 ? '0' : p.toExponential(1)} (64-bit fingerprints)`,
    ...(run.system.symmetry
      ? [
          `  symmetry: one state per orbit of ${run.system.symmetry.types.map((t) => `${t.name} (${t.n} interchangeable values)`).join(' and ')}; --no-symmetry counts every state`,
        ]
      : []),
    ...(r.liveness
      ? [
          `  liveness: ${n(r.liveness.properties)} temporal propert${r.liveness.properties === 1 ? 'y' : 'ies'} checked on the graph in ${(r.liveness.durationMs / 1000).toFixed(2)} s; graph ${formatBytes(r.liveness.graphBytes)} (${(r.liveness.graphBytes / Math.max(1, r.states)).toFixed(1)} B/state)`,
        ]
      : []),
  ].join('\n');
}
