// The BFS engine on tiny explicit graphs, through a hand-written kernel: no compiler involved.
// Each state is one slot holding a node number; the expected numbers are read off the graphs.
import { describe, expect, it } from 'vitest';
import type { Kernel, SuccessorBuffer, TransitionSystem } from '../../src/compile/system.ts';
import { explore } from '../../src/explore/bfs.ts';

interface Graph {
  edges: Record<number, number[]>;
  bad?: number[]; // nodes where the invariant is false
  failStep?: [number, number]; // [node, position]: that successor position fails as an assert
  validEnds?: number[];
}

function system(g: Graph): { sys: TransitionSystem; kernel: Kernel } {
  const kernel: Kernel = {
    signal: { kind: 'assert', message: 'boom' },
    successors(s: Int32Array, so: number, out: SuccessorBuffer) {
      const node = s[so];
      const next = g.edges[node] ?? [];
      let n = 0;
      for (const t of next) {
        if (g.failStep && g.failStep[0] === node && g.failStep[1] === n) {
          out.count = n;
          out.failedAction = 0;
          return -1;
        }
        if (n === out.capacity) out.grow();
        out.buf[n] = t;
        out.actions[n] = 0;
        n++;
      }
      out.count = n;
      return n;
    },
    properties: () => {},
    invariants: (s, so) => (g.bad?.includes(s[so]) ? 0 : -1),
    validEnd: (s, so) => (g.validEnds ?? []).includes(s[so]),
    pack: (s, so, d, dof) => {
      d[dof] = s[so];
    },
    unpack: (d, dof, s, so) => {
      s[so] = d[dof];
    },
  };
  const sys = {
    layout: { width: 1 },
    packing: { words: 1, fields: [] },
    initial: Int32Array.of(0),
    invariantNames: ['good'],
  } as unknown as TransitionSystem;
  return { sys, kernel };
}

const run = (g: Graph, opts = {}) => {
  const { sys, kernel } = system(g);
  return explore(sys, kernel, opts);
};

describe('BFS on explicit graphs', () => {
  it('counts distinct nodes and the eccentricity of the start as max depth', async () => {
    // 0 -> 1 -> 2 -> 3 and 0 -> 3 (shortcut), 3 -> 0 (cycle): 4 nodes, 5 edges, max depth 2 (node 2).
    const r = await run({ edges: { 0: [1, 3], 1: [2], 2: [3], 3: [0] } });
    expect(r.verdict).toBe('pass');
    expect(r.states).toBe(4);
    expect(r.transitions).toBe(5);
    expect(r.maxDepth).toBe(2);
  });

  it('reports the invariant violation of least depth, not the first one a DFS would meet', async () => {
    // Bad nodes: 5 at depth 3 via 0-1-2-5, and 6 at depth 2 via 0-4-6. BFS must report depth 2.
    const r = await run({ edges: { 0: [1, 4], 1: [2], 2: [5], 4: [6] }, bad: [5, 6], validEnds: [5, 6] });
    expect(r.violation).toMatchObject({ kind: 'invariant', depth: 2, path: [1, 0] });
  });

  it('prefers the earliest successor among violations of equal depth', async () => {
    // 3 and 4 are both bad at depth 2; 3 comes from the first successor of 0.
    const r = await run({ edges: { 0: [1, 2], 1: [3], 2: [4] }, bad: [3, 4] });
    expect(r.violation).toMatchObject({ depth: 2, path: [0, 0] });
  });

  it('reports a deadlock at the depth of the stuck state, before deeper violations of the same level', async () => {
    // Node 2 (depth 1) has no successor and is not a valid end; node 3 (depth 2) is bad.
    // Expanding level 1 finds 3 (depth 2) first, then the deadlock at 2 (depth 1), which wins.
    const r = await run({ edges: { 0: [1, 2], 1: [3] }, bad: [3], validEnds: [3] });
    expect(r.violation).toMatchObject({ kind: 'deadlock', depth: 1, path: [1] });
  });

  it('does not call a valid end state a deadlock, and --no-deadlock ignores stuck states', async () => {
    expect((await run({ edges: { 0: [1] }, validEnds: [1] })).verdict).toBe('pass');
    expect((await run({ edges: { 0: [1] } }, { deadlock: false })).verdict).toBe('pass');
    expect((await run({ edges: { 0: [1] } })).violation).toMatchObject({ kind: 'deadlock', depth: 1 });
  });

  it('places a failing step one level below its source state', async () => {
    // Step 0 -> second successor fails: depth 1, path ends with the failing position 1.
    const r = await run({ edges: { 0: [1, 2], 1: [1] }, failStep: [0, 1] });
    expect(r.violation).toMatchObject({ kind: 'assert', depth: 1, path: [1] });
  });

  it('an invariant false in the initial state is a violation at depth 0', async () => {
    const r = await run({ edges: { 0: [1] }, bad: [0] });
    expect(r.violation).toMatchObject({ kind: 'invariant', depth: 0, path: [] });
  });

  it('stops at --max-states and --max-depth with verdict incomplete', async () => {
    const chain: Record<number, number[]> = {};
    for (let i = 0; i < 5000; i++) chain[i] = [i + 1];
    chain[5000] = [5000];
    expect(await run({ edges: chain }, { maxDepth: 3 })).toMatchObject({ verdict: 'incomplete', stopReason: 'max-depth', states: 4 });
    const wide: Record<number, number[]> = { 0: Array.from({ length: 3000 }, (_, i) => i + 1) };
    for (let i = 1; i <= 3000; i++) wide[i] = [i];
    const r = await run({ edges: wide }, { maxStates: 10 });
    expect(r.verdict).toBe('incomplete');
    expect(r.stopReason).toBe('max-states');
  });

  it('a depth limit that cuts nothing off is a complete search', async () => {
    expect(await run({ edges: { 0: [1], 1: [1] }, validEnds: [] }, { maxDepth: 1 })).toMatchObject({ verdict: 'pass', states: 2 });
  });
});
