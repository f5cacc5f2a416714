// The engine's liveness verdicts against the naive reference checker (test/reference/
// naive-liveness.ts, written from the language reference, not from the engine): the verdict,
// the violated property and the stem's length agree on the liveness examples and on random
// models with random properties, under sc and tso; and every lasso the engine prints replays
// and re-checks (it returns to its start, Q never holds on it, and it is fair).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import type { CheckedModel } from '../../src/check/ir.ts';
import { compile, instantiate } from '../../src/compile/system.ts';
import { explore } from '../../src/explore/bfs.ts';
import { checkProperties } from '../../src/explore/liveness.ts';
import { replay } from '../../src/explore/replay.ts';
import { naiveLiveness } from '../reference/naive-liveness.ts';
import { randomLivenessModel } from '../reference/random-liveness.ts';

const ROOT = join(import.meta.dirname, '..', '..');
// More with MMUCHECK_SEEDS=N (the suite runs a quick sweep; a longer one was run by hand).
const SEEDS = Number(process.env.MMUCHECK_SEEDS ?? 120);

function parse(file: string, read?: (p: string) => string): CheckedModel {
  const r = checkFile(file, {}, read);
  if (!r.model) throw new Error(`${file}: ${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.model;
}

async function engine(model: CheckedModel, memory: 'sc' | 'tso', deadlock: boolean, maxStates?: number) {
  const system = compile(model, { memory }).system!;
  const kernel = instantiate(system);
  let r = await explore(system, kernel, { deadlock, graph: true, maxStates });
  if (r.verdict === 'pass' && system.properties.length) r = checkProperties(system, r);
  const v = r.violation;
  // Every counterexample replays and re-checks (replay throws otherwise).
  if (v) replay(system, kernel, v);
  return { states: r.states, verdict: r.verdict, kind: v?.kind ?? null, property: v?.kind === 'liveness' ? v.property : null, depth: v?.depth ?? null };
}

function reference(model: CheckedModel, memory: 'sc' | 'tso', deadlock: boolean) {
  const n = naiveLiveness(model, { memory, deadlock });
  if (n.safety.verdict === 'violation')
    return { states: n.safety.states, verdict: 'violation', kind: n.safety.violation!.kind, property: null, depth: n.safety.violation!.depth };
  return { states: n.states, verdict: n.verdict, kind: n.verdict === 'violation' ? 'liveness' : null, property: n.property, depth: n.depth };
}

describe('liveness: the engine agrees with the naive reference', () => {
  const dir = join(ROOT, 'test/fixtures/liveness');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.mmu'))) {
    it(f, async () => {
      const m = parse(join(dir, f));
      for (const memory of ['sc', 'tso'] as const) expect({ memory, ...(await engine(m, memory, false)) }).toEqual({ memory, ...reference(m, memory, false) });
    });
  }

  it(`on ${SEEDS} random models with random properties, under sc and tso, deadlock on and off`, async () => {
    let violations = 0;
    let passes = 0;
    let skipped = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const src = randomLivenessModel(seed);
      const m = parse('/virtual/live.mmu', () => src);
      const memory = seed % 3 === 0 ? 'tso' : 'sc';
      const deadlock = seed % 2 === 0;
      const got = await engine(m, memory, deadlock, 3001);
      // The naive reference is slow: models past a few thousand states are left out.
      if (got.verdict === 'incomplete') {
        skipped++;
        continue;
      }
      const want = reference(m, memory, deadlock);
      expect({ seed, ...got }).toEqual({ seed, ...want });
      if (want.kind === 'liveness') violations++;
      else if (want.verdict === 'pass') passes++;
    }
    // The sweep must exercise both outcomes of the liveness check, not only safety.
    expect(skipped).toBeLessThan(SEEDS / 4);
    expect(violations).toBeGreaterThan(SEEDS / 10);
    expect(passes).toBeGreaterThan(SEEDS / 10);
  }, 900_000);
});
