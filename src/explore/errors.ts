// What can go wrong in a search, in two kinds. A ModelError is the model's fault (an atomic
// block that runs away, a step with too many choices): the user fixes the model (exit 2), and
// the error names the step. An EngineError is ours (a full table, a bug, a dead worker): exit
// 70. Anything thrown that is neither is an engine failure too. The same for any number of
// workers: a worker reports which kind it hit, and the coordinator rethrows that kind.
import { ModelError } from '../compile/runtime.ts';
import type { TransitionSystem } from '../compile/system.ts';
import type { Diagnostic } from '../parse/diagnostic.ts';

export { ModelError };

export class EngineError extends Error {
  override name = 'EngineError';
}

/** What a worker sends back instead of an exception (exceptions do not cross threads). */
export interface ReportedError {
  readonly model: boolean;
  readonly message: string;
  readonly action?: number;
}

export function reportError(e: unknown): ReportedError {
  if (e instanceof ModelError) return { model: true, message: e.message, ...(e.action !== undefined ? { action: e.action } : {}) };
  return { model: false, message: e instanceof Error ? e.message : String(e) };
}

export function rethrow(r: ReportedError): never {
  if (r.model) throw new ModelError(r.message, r.action);
  throw new EngineError(r.message);
}

/** How a run can fail before it has a result (shared by checks of models and of litmus tests). */
export type RunFailure =
  /** The model or an option is wrong (exit 2). */
  | { readonly kind: 'input'; readonly diagnostics: Diagnostic[] }
  /** The search ran into a problem of the model's (exit 2), at a step when known. */
  | { readonly kind: 'model-error'; readonly system: TransitionSystem; readonly diagnostic: Diagnostic }
  /** The engine failed (exit 70). */
  | { readonly kind: 'engine-error'; readonly message: string };
