// A check as the user asked for it: parsed once from the command line (or from a spec), then
// run by run-check.ts and rendered by the command. Every mistake in an option is a diagnostic
// (exit 2) raised here, before any work is done.
import { MAX_STORE_BUFFER } from '../parse/bounds.ts';
import { availableParallelism } from 'node:os';
import type { ConstOverrides } from '../check/check.ts';
import type { LimitOptions } from '../explore/limits.ts';
import type { ThreadsFrom } from '../explore/parallel.ts';
import { isBuffered, MEMORY_MODEL_NAMES, memorySpec, type MemorySpec } from '../memory/index.ts';
import { modelArgument } from './bundled.ts';
import { constAssignments, failOption, oneOf, positiveInt, seconds, size } from './options.ts';

export interface CheckRequest {
  readonly model: string; // the path of the model file
  readonly constants: ConstOverrides;
  /** Only these invariants (all when undefined). */
  readonly invariants?: readonly string[];
  /** Only these temporal properties (all when undefined; none when liveness is off). */
  readonly properties?: readonly string[];
  readonly liveness: boolean;
  /** Reduce states to orbits of the symmetric types (--no-symmetry: every state). */
  readonly symmetry: boolean;
  readonly memory: MemorySpec;
  readonly deadlock: boolean;
  readonly workers: number;
  /** Without --workers: one thread until the search passes THREADS_FROM (time and states). */
  readonly threadsFrom?: ThreadsFrom;
  /** Whole states instead of fingerprints (one worker). */
  readonly exact: boolean;
  readonly limits: Omit<LimitOptions, 'shouldStop'>;
}

/** The options every exploring command shares. */
export interface ModelFlags {
  const: string[];
  invariant: string[];
  property?: string[];
  liveness?: boolean;
  symmetry?: boolean;
  deadlock: boolean;
  memory?: string;
  storeBuffer?: string;
}

export interface CheckFlags extends ModelFlags {
  workers?: string;
  exact?: boolean;
  maxStates?: string;
  maxDepth?: string;
  timeLimit?: string;
  memoryLimit?: string;
}

/** --memory NAME and --store-buffer K (only for a model with buffers). */
export function memoryOption(flags: { memory?: string; storeBuffer?: string }): MemorySpec {
  if (flags.memory === 'all') failOption('--memory all goes with a .litmus test; a model is checked under one memory model at a time');
  const name = oneOf('--memory', flags.memory, MEMORY_MODEL_NAMES) ?? 'sc';
  const storeBuffer = positiveInt('--store-buffer', flags.storeBuffer);
  if (storeBuffer !== undefined && storeBuffer > MAX_STORE_BUFFER)
    failOption(`--store-buffer takes at most ${MAX_STORE_BUFFER}, not ${storeBuffer} (every pending store is part of every state: docs/limits.md)`);
  if (storeBuffer !== undefined && !isBuffered(name)) failOption(`--store-buffer goes with --memory ${MEMORY_MODEL_NAMES.filter(isBuffered).join(' or ')}`);
  return memorySpec(name, storeBuffer);
}

/**
 * The default worker count: the main thread searches alone until the search has run this long
 * and found this many states, then starts a thread per further core and, once they are ready,
 * searches with them (docs/engine.md, "Numbers"). A run that ends while a thread is still
 * starting waits for it to load (up to ~150 ms on an idle machine): from 3 s on that is at
 * most 5%, and small models never start one, however slow the machine.
 */
export const THREADS_FROM = { states: 1_000_000, ms: 3000 } as const;

/** --workers, at most the cores available (more threads only cost memory); says so when capped. */
export function workersOption(raw: string | undefined, note: (s: string) => void = (s) => process.stderr.write(s)): number {
  const cores = availableParallelism();
  const asked = positiveInt('--workers', raw) ?? cores;
  if (asked <= cores) return asked;
  note(`mmucheck: note: --workers ${asked} is more than the ${cores} core${cores === 1 ? '' : 's'} available: using ${cores}\n`);
  return cores;
}

/** The point where the default hands over to more threads, when --workers is not given. */
export function threadsFromOption(raw: string | undefined): ThreadsFrom | undefined {
  return raw === undefined && availableParallelism() > 1 ? THREADS_FROM : undefined;
}

export function checkRequest(model: string, flags: CheckFlags): CheckRequest {
  const requested = workersOption(flags.workers);
  return {
    model: modelArgument(model),
    constants: constAssignments(flags.const),
    invariants: flags.invariant.length ? flags.invariant : undefined,
    properties: flags.property?.length ? flags.property : undefined,
    liveness: flags.liveness !== false,
    symmetry: flags.symmetry !== false,
    memory: memoryOption(flags),
    deadlock: flags.deadlock,
    workers: flags.exact ? 1 : requested,
    threadsFrom: flags.exact ? undefined : threadsFromOption(flags.workers),
    exact: Boolean(flags.exact),
    limits: {
      maxStates: positiveInt('--max-states', flags.maxStates),
      maxDepth: positiveInt('--max-depth', flags.maxDepth, 0),
      timeLimitMs: (seconds('--time-limit', flags.timeLimit) ?? 0) * 1000 || undefined,
      memoryLimitBytes: size('--memory-limit', flags.memoryLimit),
    },
  };
}
