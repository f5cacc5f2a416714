// The same answers for any number of workers: distinct states, transitions, maximum depth,
// verdict, violation kind, property, depth and the counterexample path itself. The threaded
// engine is forced even on small models (startBudget: 1), so it is what runs here.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import { compile, type TransitionSystem } from '../../src/compile/system.ts';
import { ModelError } from '../../src/explore/errors.ts';
import { closePools, exploreParallel } from '../../src/explore/parallel.ts';
import { loadSpec, specFiles } from '../../src/cli/specs.ts';
import { randomModel } from '../reference/random-models.ts';

const ROOT = join(import.meta.dirname, '..', '..');
afterAll(closePools);

function system(
  file: string,
  consts: Record<string, string | number | boolean> = {},
  read?: (p: string) => string,
  memory: { memory: 'sc' | 'tso' | 'arm'; storeBuffer?: number } = { memory: 'sc' },
): TransitionSystem {
  const r = checkFile(file, consts, read);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return compile(r.model, memory).system!;
}

async function signature(sys: TransitionSystem, workers: number, deadlock = true) {
  const r = await exploreParallel(sys, { workers, deadlock, startBudget: 1 });
  const v = r.violation;
  return {
    verdict: r.verdict,
    states: r.states,
    transitions: r.transitions,
    maxDepth: r.maxDepth,
    violation: v && { kind: v.kind, property: v.property, depth: v.depth, path: v.path.join(',') },
  };
}

async function sameForAllWorkers(sys: TransitionSystem, deadlock = true) {
  const one = await signature(sys, 1, deadlock);
  expect(await signature(sys, 2, deadlock)).toEqual(one);
  expect(await signature(sys, 3, deadlock)).toEqual(one);
  return one;
}

const EXAMPLES: [string, Record<string, string | number>][] = [
  ['bbm-leaf-mini.mmu', {}],
  ['bbm-leaf-mini.mmu', { BREAK: 'Plain', CPUS: 3 }],
  ['peterson.mmu', { VARIANT: 'TurnFirst' }],
  ['philosophers.mmu', { ORDER: 'Naive', N: 5 }],
  ['token-pool.mmu', { P: 3 }],
];

describe('identical results for 1, 2 and 3 workers', () => {
  for (const [file, consts] of EXAMPLES) {
    it(`${file} ${JSON.stringify(consts)}`, async () => {
      await sameForAllWorkers(system(join(ROOT, 'models/examples', file), consts));
    });
  }

  it('on every check of every spec in specs/', async () => {
    const { files } = specFiles([join(ROOT, 'specs')]);
    for (const f of files) {
      const { spec } = loadSpec(f);
      if (!spec) throw new Error(`${f} does not load`);
      for (const check of spec.checks) {
        if (check.maxStates) continue;
        await sameForAllWorkers(system(spec.model, check.const, undefined, { memory: check.memory, storeBuffer: check.storeBuffer }), check.deadlock);
      }
    }
  }, 600_000);

  it('on 60 random models', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const src = randomModel(seed);
      await sameForAllWorkers(system('/virtual/r.mmu', {}, () => src));
    }
  }, 600_000);
});

describe('limits and failures with workers', () => {
  it('stops at --max-states and --max-depth with verdict incomplete', async () => {
    const sys = system(join(ROOT, 'models/examples/token-pool.mmu'), { P: 4 });
    const capped = await exploreParallel(sys, { workers: 2, maxStates: 5000, startBudget: 1 });
    expect(capped).toMatchObject({ verdict: 'incomplete', stopReason: 'max-states' });
    expect(capped.states).toBeGreaterThanOrEqual(5000);
    const shallow = await exploreParallel(sys, { workers: 2, maxDepth: 5, startBudget: 1 });
    expect(shallow).toMatchObject({ verdict: 'incomplete', stopReason: 'max-depth', maxDepth: 5 });
  });

  it('a model error inside a worker fails the run with its message, without hanging', async () => {
    // The runaway block is three steps deep, so the main thread hands it to the workers.
    const src = 'model spin; shared x: 0..1; shared y: 0..2; process p { y = 1; y = 2; atomic { while (x == 0) { skip; } } }';
    const sys = system('/virtual/spin.mmu', {}, () => src);
    await expect(exploreParallel(sys, { workers: 2, startBudget: 1 })).rejects.toThrow(ModelError);
    await expect(exploreParallel(sys, { workers: 2, startBudget: 1 })).rejects.toThrow(/100,000 statements/);
  });
});
