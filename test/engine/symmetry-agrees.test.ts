// Symmetry reduction against the brute-force orbit count of the naive reference
// (test/reference/naive-symmetry.ts, written from the language reference): the engine's
// distinct-state count is the number of orbits of the reachable states, and the verdict,
// the maximum depth and the violation depth are those of the full search, under sc, tso and
// arm, with 1 and 2 workers; every counterexample is a concrete run that replays without
// symmetry, as long as the one found without it. (The maximum depth counts orbits.)
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import type { CheckedModel } from '../../src/check/ir.ts';
import { compile, instantiate } from '../../src/compile/system.ts';
import { closePools, exploreParallel } from '../../src/explore/parallel.ts';
import { concretize, replay } from '../../src/explore/replay.ts';
import { naiveOrbits } from '../reference/naive-symmetry.ts';
import { randomIndexOnlySymmetricModel, randomSymmetricModel } from '../reference/random-models.ts';

afterAll(closePools);
// More with MMUCHECK_SEEDS=N (the suite runs a quick sweep; a longer one was run by hand).
const SEEDS = Number(process.env.MMUCHECK_SEEDS ?? 40);

async function engine(model: CheckedModel, memory: 'sc' | 'tso' | 'arm', workers: number) {
  const sys = compile(model, { memory }).system!;
  const r = await exploreParallel(sys, { workers, deadlock: false, maxStates: 20_000, startBudget: 1 });
  let depth = r.violation?.depth ?? null;
  if (r.violation) {
    // The printed counterexample: concrete, replayed on the model without symmetry.
    const plain = compile(model, { memory, symmetry: false }).system!;
    const v = concretize(sys, instantiate(sys), r.violation);
    const trace = replay(plain, instantiate(plain), v);
    depth = trace.steps.length;
  }
  return { reduced: sys.symmetry !== null, states: r.states, verdict: r.verdict, depth, maxDepth: r.maxDepth };
}

describe('symmetry: orbit counts agree with the brute-force reference', () => {
  // Models that store values of the type (ties are tried in every order), and models where
  // the types only index (one or two types; sorting by signature is then enough under sc).
  it.each([
    ['storing values of the type', randomSymmetricModel],
    ['using the types only as indices', randomIndexOnlySymmetricModel],
  ])(
    `on ${SEEDS} random symmetric models %s, under sc, tso and arm, with 1 and 2 workers`,
    async (_, generate) => {
      let reduced = 0;
      let compared = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const r = checkFile('/virtual/s.mmu', {}, () => generate(seed));
        expect(r.diagnostics).toEqual([]);
        for (const memory of ['sc', 'tso', 'arm'] as const) {
          const one = await engine(r.model!, memory, 1);
          if (one.verdict === 'incomplete') continue;
          expect({ seed, memory, ...(await engine(r.model!, memory, 2)) }).toEqual({ seed, memory, ...one });
          const n = naiveOrbits(r.model!, { memory, deadlock: false });
          // The maximum depth of a reduced search is that of the orbits (the distance to the
          // nearest member of each): never more than the full search's.
          const want = { reduced: true, states: n.orbits, verdict: n.verdict, depth: n.violation?.depth ?? null };
          const { maxDepth, ...got } = one;
          expect(maxDepth).toBeLessThanOrEqual(n.maxDepth);
          expect({ seed, memory, ...got }).toEqual({ seed, memory, ...want });
          if (n.orbits < n.states) reduced++;
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(SEEDS * 2);
      expect(reduced).toBeGreaterThan(SEEDS / 2); // the sweep must actually merge states
    },
    900_000,
  );
});
