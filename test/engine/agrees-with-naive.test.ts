// Differential testing: the generated-code engine must agree with the naive interpreter in
// test/reference on distinct states, maximum depth, verdict, violation kind and depth, for
// every example model (and its variants) and for hundreds of random models.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, type ConstOverrides } from '../../src/check/check.ts';
import type { CheckedModel } from '../../src/check/ir.ts';
import { compile, instantiate } from '../../src/compile/system.ts';
import { explore } from '../../src/explore/bfs.ts';
import { replay } from '../../src/explore/replay.ts';
import { naiveExplore } from '../reference/naive.ts';
import { randomModel } from '../reference/random-models.ts';
import { loadSpec, specFiles } from '../../src/cli/specs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function fromSource(source: string): CheckedModel {
  const r = checkFile('/virtual/random.mmu', {}, () => source);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n') + '\n' + source);
  return r.model;
}

async function compare(model: CheckedModel, deadlock: boolean, label: string) {
  const naive = naiveExplore(model, { deadlock });
  const compiled = compile(model, { symmetry: false });
  if (!compiled.system) throw new Error(`${label}: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const kernel = instantiate(compiled.system);
  const engine = await explore(compiled.system, kernel, { deadlock });
  expect({ label, verdict: engine.verdict, violation: engine.violation && { kind: engine.violation.kind, depth: engine.violation.depth } }).toEqual({
    label,
    verdict: naive.verdict,
    violation: naive.violation && { kind: naive.violation.kind, depth: naive.violation.depth },
  });
  if (engine.verdict === 'pass') {
    expect({ label, states: engine.states, maxDepth: engine.maxDepth }).toEqual({ label, states: naive.states, maxDepth: naive.maxDepth });
  } else if (engine.violation) {
    // Every counterexample replays to the same violation, with as many steps as its depth.
    const trace = replay(compiled.system, kernel, engine.violation);
    expect(trace.steps.length).toBe(engine.violation.depth);
  }
}

/** What two explorations must share: the verdict, the violation's kind and depth, and for a pass the counts. */
function signature(label: string, r: { verdict: string; violation: { kind: string; depth: number } | null; states: number; maxDepth: number }) {
  return {
    label,
    verdict: r.verdict,
    violation: r.violation && { kind: r.violation.kind, depth: r.violation.depth },
    ...(r.verdict === 'pass' ? { states: r.states, maxDepth: r.maxDepth } : {}),
  };
}

const EXAMPLES: [string, ConstOverrides][] = [
  ['bbm-leaf-mini.mmu', {}],
  ['bbm-leaf-mini.mmu', { BREAK: 'Plain' }],
  ['bbm-leaf-mini.mmu', { CPUS: 3 }],
  ['peterson.mmu', {}],
  ['peterson.mmu', { VARIANT: 'TurnFirst' }],
  ['philosophers.mmu', {}],
  ['philosophers.mmu', { ORDER: 'Naive' }],
  ['philosophers.mmu', { N: 4 }],
  ['spinlock-fairness.mmu', {}],
  ['spinlock-fairness.mmu', { LOCK: 'Ticket' }],
  ['token-pool.mmu', { P: 3 }],
  ['token-pool.mmu', { P: 2, T: 1 }],
];

describe('engine agrees with the naive explorer', () => {
  it('covers every example model', () => {
    const files = new Set(readdirSync(join(ROOT, 'models/examples')).filter((f) => f.endsWith('.mmu')));
    expect(new Set(EXAMPLES.map(([f]) => f))).toEqual(files);
  });

  for (const [file, consts] of EXAMPLES) {
    it(`${file} ${JSON.stringify(consts)}`, async () => {
      const r = checkFile(join(ROOT, 'models/examples', file), consts);
      expect(r.diagnostics).toEqual([]);
      await compare(r.model!, true, file);
    });
  }

  it('on 400 random models, with and without deadlock detection', async () => {
    for (let seed = 1; seed <= 400; seed++) {
      const model = fromSource(randomModel(seed));
      await compare(model, true, `seed ${seed}`);
      await compare(model, false, `seed ${seed} --no-deadlock`);
    }
  }, 900_000);
});

// Under --memory tso: the same comparison, against the naive explorer's own store buffers.
describe('engine agrees with the naive explorer under tso', () => {
  async function compareTso(model: CheckedModel, storeBuffer: number, deadlock: boolean, label: string) {
    const naive = naiveExplore(model, { deadlock, memory: 'tso', storeBuffer });
    const compiled = compile(model, { memory: 'tso', storeBuffer, symmetry: false });
    if (!compiled.system) throw new Error(`${label}: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
    const engine = await explore(compiled.system, instantiate(compiled.system), { deadlock });
    expect(signature(label, engine)).toEqual(signature(label, naive));
  }

  for (const [file, consts] of EXAMPLES) {
    it(`${file} ${JSON.stringify(consts)}`, async () => {
      const r = checkFile(join(ROOT, 'models/examples', file), consts);
      await compareTso(r.model!, 2, true, `${file} tso`);
    });
  }

  it('on 200 random models, with store buffers of 1 and 2', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const model = fromSource(randomModel(seed));
      await compareTso(model, 1 + (seed % 2), seed % 3 !== 0, `seed ${seed} tso`);
    }
  }, 900_000);
});

// Under --memory arm: the same comparison, against the naive explorer's own views, pending
// stores and normal form (written from docs/memory-models.md without reading the engine).
describe('engine agrees with the naive explorer under arm', () => {
  async function compareArm(model: CheckedModel, storeBuffer: number, deadlock: boolean, label: string, cap?: number): Promise<boolean> {
    const compiled = compile(model, { memory: 'arm', storeBuffer, symmetry: false });
    if (!compiled.system) return false; // a shape arm rejects (a whole shared array stored, ...)
    let naive: ReturnType<typeof naiveExplore>;
    try {
      naive = naiveExplore(model, { deadlock, memory: 'arm', storeBuffer, ...(cap ? { maxStates: cap } : {}) });
    } catch (e) {
      if (cap && String(e).includes('more than')) return false; // too big for this sweep
      throw e;
    }
    const engine = await explore(compiled.system, instantiate(compiled.system), { deadlock });
    expect(signature(label, engine)).toEqual(signature(label, naive));
    return true;
  }

  // The examples whose arm state space stays small (philosophers and token-pool with more
  // processes run to millions of states there, too many for the naive explorer).
  const SMALL: [string, ConstOverrides][] = EXAMPLES.filter(
    ([f, c]) => !(f === 'philosophers.mmu' && c.ORDER === undefined) && !(f === 'token-pool.mmu' && c.P === 3),
  );
  for (const [file, consts] of SMALL) {
    it(`${file} ${JSON.stringify(consts)}`, async () => {
      const r = checkFile(join(ROOT, 'models/examples', file), consts);
      expect(await compareArm(r.model!, 2, true, `${file} arm`)).toBe(true);
    }, 900_000);
  }

  // The protocol models whose default configuration stays small under arm (the others run
  // to hundreds of thousands of states there; their arm checks in specs/ are compared below).
  for (const file of ['bbm-stage2-leaf.mmu', 'vmemmap-bbm.mmu', 'xen-pv-unpin.mmu']) {
    it(`protocol model ${file}`, async () => {
      const r = checkFile(join(ROOT, 'models', file), {});
      expect(await compareArm(r.model!, 1, true, `${file} arm`)).toBe(true);
    }, 900_000);
  }

  it('on every arm check of every spec', async () => {
    const { files } = specFiles([join(ROOT, 'specs')]);
    let n = 0;
    for (const f of files) {
      const { spec } = loadSpec(f);
      for (const check of spec?.checks ?? []) {
        if (check.memory !== 'arm') continue;
        const r = checkFile(spec!.model, check.const);
        expect(await compareArm(r.model!, check.storeBuffer ?? 2, check.deadlock, `${f} ${check.name}`)).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(70);
  }, 900_000);

  it('on 200 random models, with buffers of 1 and 2', async () => {
    let compared = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const model = fromSource(randomModel(seed));
      if (await compareArm(model, 1 + (seed % 2), seed % 3 !== 0, `seed ${seed} arm`, 20_000)) compared++;
    }
    expect(compared).toBeGreaterThan(150); // most random models are shapes arm runs, and small
  }, 900_000);
});
