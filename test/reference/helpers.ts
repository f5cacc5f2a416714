// Helpers shared by the naive explorer's own tests: a model from source text, a run of it,
// and the shapes of the expected results.
import { expect } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import type { CheckedModel } from '../../src/check/ir.ts';
import { naiveExplore, type NaiveOptions, type NaiveResult } from './naive.ts';

export function model(src: string): CheckedModel {
  const r = checkFile('/virtual/m.mmu', {}, () => src);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.model;
}

/** Explores `model t;` followed by `body`. */
export const run = (body: string, opts: NaiveOptions = {}): NaiveResult => naiveExplore(model(`model t;\n${body}`), opts);

export const pass = (states: number, maxDepth: number): NaiveResult => ({ states, maxDepth, verdict: 'pass', violation: null });

/** The violation of a run that must have one. */
export function violation(r: NaiveResult): NaiveResult['violation'] {
  expect(r.verdict).toBe('violation');
  return r.violation;
}
