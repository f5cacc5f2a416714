// Runs a CheckRequest: build the transition system, explore it, rebuild the counterexample.
// What comes out is data (an outcome); the commands render it and turn it into an exit code.
import type { ChalkInstance } from 'chalk';
import { checkFile, type ConstOverrides } from '../check/check.ts';
import { compile, instantiate, type TransitionSystem } from '../compile/system.ts';
import type { ExploreResult, Progress } from '../explore/bfs.ts';
import { ModelError, type RunFailure } from '../explore/errors.ts';
import { exploreParallel, type ThreadsFrom } from '../explore/parallel.ts';
import { checkProperties } from '../explore/liveness.ts';
import { concretize, replay, type Trace } from '../explore/replay.ts';
import type { MemorySpec } from '../memory/index.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import type { CheckRequest } from './request.ts';

export const EXIT = { pass: 0, violation: 1, input: 2, incomplete: 3, internal: 70, interrupted: 130 } as const;

export type Built = { system: TransitionSystem; diagnostics?: undefined } | { system?: undefined; diagnostics: Diagnostic[] };

/** The stages one after another: load and parse, check, compile. Diagnostics, never output. */
export function buildSystem(
  path: string,
  overrides: ConstOverrides,
  invariants: readonly string[] | undefined,
  memory: MemorySpec,
  properties?: readonly string[],
  symmetry = true,
): Built {
  const checked = checkFile(path, overrides);
  if (!checked.model) return { diagnostics: checked.diagnostics };
  const model = checked.model;
  if (invariants?.length) {
    const names = model.invariants.map((i) => i.name);
    const unknown = invariants.filter((n) => !names.includes(n));
    if (unknown.length)
      return {
        diagnostics: unknown.map((n) =>
          diag('option', `--invariant: the model has no invariant '${n}'`, undefined, {
            notes: [names.length ? `its invariants are: ${names.join(', ')}` : 'it declares no invariants'],
          }),
        ),
      };
  }
  if (properties?.length) {
    const names = model.properties.map((p) => p.name);
    const unknown = properties.filter((n) => !names.includes(n));
    if (unknown.length)
      return {
        diagnostics: unknown.map((n) =>
          diag('option', `--property: the model has no property '${n}'`, undefined, {
            notes: [names.length ? `its properties are: ${names.join(', ')}` : 'it declares no properties'],
          }),
        ),
      };
  }
  // Liveness is decided on the concrete graph: with temporal properties to check, states are
  // not reduced to orbits (docs/engine.md).
  const checksProperties = properties === undefined ? model.properties.length > 0 : properties.length > 0;
  const compiled = compile(model, { invariants, properties, memory: memory.name, storeBuffer: memory.storeBuffer, symmetry: symmetry && !checksProperties });
  return compiled.system ? { system: compiled.system } : { diagnostics: compiled.diagnostics };
}

export type RunOutcome =
  | RunFailure
  | {
      readonly kind: 'done';
      readonly system: TransitionSystem;
      readonly result: ExploreResult;
      readonly trace: Trace | null;
      /** Threads that searched: one when the graph for liveness was recorded. */
      readonly workers: number;
    };

export interface RunHooks {
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  readonly shouldStop?: () => boolean;
  /** Once the model is built, before the search: the system, the threads that may search, and from how many states they do (the default). */
  readonly onStart?: (system: TransitionSystem, workers: number, threadsFrom: ThreadsFrom | undefined) => void;
}

export async function runCheck(req: CheckRequest, hooks: RunHooks = {}): Promise<RunOutcome> {
  const built = buildSystem(req.model, req.constants, req.invariants, req.memory, req.liveness ? req.properties : [], req.symmetry);
  if (!built.system) return { kind: 'input', diagnostics: built.diagnostics };
  const system = built.system;
  // Temporal properties need the graph, which the search records on one thread (the answer
  // is the same for any number of workers).
  const liveness = system.properties.length > 0;
  const workers = liveness || req.exact ? 1 : req.workers;
  hooks.onStart?.(system, workers, workers > 1 ? req.threadsFrom : undefined);
  let result: ExploreResult;
  try {
    result = await exploreParallel(system, {
      workers: req.workers,
      threadsFrom: req.threadsFrom,
      exact: req.exact,
      deadlock: req.deadlock,
      graph: liveness,
      ...req.limits,
      ...hooks,
    });
    if (liveness && result.verdict === 'pass') result = checkProperties(system, result, req.limits.memoryLimitBytes);
  } catch (e) {
    if (e instanceof ModelError) return { kind: 'model-error', system, diagnostic: modelErrorDiagnostic(system, e) };
    return { kind: 'engine-error', message: e instanceof Error ? e.message : String(e) };
  }
  if (result.violation && system.symmetry) {
    // States were orbits: the printed counterexample is a concrete run of the model.
    result = { ...result, violation: concretize(system, instantiate(system), result.violation) };
  }
  const trace = result.violation ? replay(system, instantiate(system), result.violation) : null;
  // With the default worker count, the threads that did search.
  return { kind: 'done', system, result, trace, workers: req.threadsFrom !== undefined && workers > 1 ? (result.threads ?? workers) : workers };
}

/** A model error as a diagnostic at the statement that was running. */
export function modelErrorDiagnostic(system: TransitionSystem, e: ModelError): Diagnostic {
  const action = e.action === undefined ? undefined : system.actions[e.action];
  const where = action ? ` (in ${system.layout.instances[action.instance].name})` : '';
  return diag('model', `${e.message}${where}`, action?.span);
}

export function exitCode(outcome: RunOutcome): number {
  switch (outcome.kind) {
    case 'input':
    case 'model-error':
      return EXIT.input;
    case 'engine-error':
      return EXIT.internal;
    case 'done': {
      const r = outcome.result;
      if (r.verdict === 'violation') return EXIT.violation;
      if (r.verdict === 'incomplete') return r.stopReason === 'interrupted' ? EXIT.interrupted : EXIT.incomplete;
      return EXIT.pass;
    }
  }
}

/** Builds the system for a command, or prints why it cannot (then the exit code is 2). */
export function buildOrReport(
  path: string,
  overrides: ConstOverrides,
  invariants: readonly string[] | undefined,
  memory: MemorySpec,
  err: { write(s: string): unknown },
  color: ChalkInstance,
): TransitionSystem | undefined {
  const built = buildSystem(path, overrides, invariants, memory);
  if (built.system) return built.system;
  err.write(renderDiagnostics(built.diagnostics, color) + '\n');
  return undefined;
}
