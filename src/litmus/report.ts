// What a litmus run prints: herd7's lines (Condition, States and the final states,
// Observation), and the `litmus` part of the --json summary.
import type { ChalkInstance } from 'chalk';
import type { LitmusAnswer } from './run.ts';

export function litmusLines(a: LitmusAnswer, color: ChalkInstance): string[] {
  const obs =
    a.observation === 'Never' ? color.green.bold(a.observation) : a.observation === 'Always' ? color.red.bold(a.observation) : color.yellow.bold(a.observation);
  return [`Condition ${a.condition}`, `States ${a.states}`, ...a.finalStates, `Observation ${a.test} ${obs}`];
}

/** One line of `--memory all`: the memory model, the observation and the count. */
export function litmusRow(memory: string, a: LitmusAnswer, color: ChalkInstance): string {
  const obs = a.observation.padEnd(9);
  const shown = a.observation === 'Never' ? color.green(obs) : a.observation === 'Always' ? color.red(obs) : color.yellow(obs);
  return `  ${memory.padEnd(4)} Observation ${a.test} ${shown} States ${a.states}`;
}

export function litmusJson(a: LitmusAnswer, storeBuffer: number | undefined): Record<string, unknown> {
  return {
    test: a.test,
    condition: a.condition,
    observation: a.observation,
    validated: a.validated,
    states: a.states,
    finalStates: a.finalStates,
    storeBuffer: storeBuffer ?? null,
  };
}
