// Issue 14, items 8 and 10, through the real binary where it can be: ITF that `mmucheck
// trace` reads back (with store buffers and labelled program counters in it), and the labels
// and layout of counterexample tables.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../src/cli/run-check.ts';
import { instantiate } from '../../src/compile/system.ts';
import { explore } from '../../src/explore/bfs.ts';
import { replay } from '../../src/explore/replay.ts';
import { memorySpec } from '../../src/memory/index.ts';
import { formatTrace } from '../../src/report/trace.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const PETERSON = 'models/examples/peterson.mmu';
const run = (args: string[], cwd = ROOT) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = () => mkdtempSync(join(tmpdir(), 'mmucheck-traces-'));
type Json = Record<string, unknown>;

describe('ITF: written with buffers and labelled pcs, read back by mmucheck trace', () => {
  it('a Peterson tso trace explains itself: both processes at @crit, both stores still in the buffers', () => {
    const itf = JSON.parse(run(['check', PETERSON, '--memory', 'tso', '--trace', 'itf']).stdout);
    expect(itf.vars).toEqual(['flag', 'turn', 'proc', 'mmucheck::store_buffers']);
    const last = itf.states[itf.states.length - 1];
    // Memory still says nobody wants to enter ...
    expect(last.flag).toEqual({
      '#map': [
        [{ '#bigint': '0' }, false],
        [{ '#bigint': '1' }, false],
      ],
    });
    // ... because each process's stores wait in its buffer, and both are in the critical section.
    expect(last['mmucheck::store_buffers']).toEqual({
      '#map': [
        ['proc[0]', ['flag[0]=true', 'turn=1']],
        ['proc[1]', ['flag[1]=true', 'turn=0']],
      ],
    });
    expect(last.proc['#map'].map(([, p]: [unknown, Json]) => p.pc)).toEqual(['line 45 @crit', 'line 45 @crit']);
    expect(itf.states[0].proc['#map'][0][1].pc).toBe('line 38');
    expect(last['#meta'].action).toBe('proc[1]: 44: await !flag[1 - i] || turn == i;');
    expect(itf['#meta']['mmucheck-trace']).toMatchObject({ memory: 'tso', storeBuffer: 2, violation: { kind: 'invariant', property: 'mutex', depth: 6 } });
  });

  it('an arm ITF carries the memory model bookkeeping (timestamps, older values, views) by slot', () => {
    const itf = JSON.parse(run(['check', PETERSON, '--memory', 'arm', '--trace', 'itf']).stdout);
    expect(itf.vars).toEqual(['flag', 'turn', 'proc', 'mmucheck::store_buffers', 'mmucheck::memory']);
    expect(Object.keys(itf.states[0]['mmucheck::memory'])).toEqual(expect.arrayContaining(['turn.ts', 'turn.older', 'proc[0].coh[0]']));
  });

  it('round trip: itf -> trace gives the same steps as the json trace, under sc, tso and arm', () => {
    const dir = tmp();
    for (const [memory, consts] of [
      ['sc', ['--const', 'VARIANT=TurnFirst']],
      ['tso', []],
      ['arm', []],
    ] as const) {
      const base = ['check', PETERSON, '--memory', memory, ...consts];
      expect(run([...base, '--trace', 'itf', '--trace-out', join(dir, `${memory}.itf.json`)]).code).toBe(1);
      expect(run([...base, '--trace', 'json', '--trace-out', join(dir, `${memory}.json`)]).code).toBe(1);
      const back = run(['trace', join(dir, `${memory}.itf.json`), '--model', PETERSON, '--format', 'json']);
      expect({ memory, code: back.code, stderr: back.stderr }).toEqual({ memory, code: 0, stderr: '' });
      const doc = JSON.parse(readFileSync(join(dir, `${memory}.json`), 'utf8'));
      const again = JSON.parse(back.stdout);
      expect(again.steps).toEqual(doc.steps);
      expect(again.violation).toEqual(doc.violation);
      // And the table of the ITF trace is the one check prints.
      const table = run(['trace', join(dir, `${memory}.itf.json`), '--model', PETERSON, '--format', 'table']).stdout;
      expect(run([...base, '--trace', 'table']).stdout).toContain(table.trimEnd());
    }
  });

  it('a lasso (liveness) and a deadlock replay from ITF too', () => {
    const dir = tmp();
    for (const [model, consts, end] of [
      ['models/examples/spinlock-fairness.mmu', [], /steps 1-2 repeat for ever \(a fair cycle\)/],
      ['models/examples/philosophers.mmu', ['--const', 'ORDER=Naive'], /deadlock after step 3/],
    ] as const) {
      const f = join(dir, 'x.itf.json');
      expect(run(['check', model, ...consts, '--trace', 'itf', '--trace-out', f, '--force']).code).toBe(1);
      const r = run(['trace', f, '--model', model, '--format', 'table']);
      expect({ model, code: r.code, stderr: r.stderr }).toEqual({ model, code: 0, stderr: '' });
      expect(r.stdout).toMatch(end);
    }
  });

  it('a state that is no successor of the one before: which state, the closest step and what differed, exit 1', () => {
    const dir = tmp();
    run(['check', PETERSON, '--memory', 'tso', '--trace', 'itf', '--trace-out', join(dir, 't.itf.json')]);
    const itf = JSON.parse(readFileSync(join(dir, 't.itf.json'), 'utf8'));
    itf.states[3].turn = { '#bigint': '1' }; // the await does not store; memory's turn is still 0
    writeFileSync(join(dir, 'edited.itf.json'), JSON.stringify(itf));
    const r = run(['trace', join(dir, 'edited.itf.json'), '--model', PETERSON]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /\(at state 3\): state 3 is not a successor of state 2: the closest successor \(proc\[0\]: 44: await !flag\[1 - i\] \|\| turn == i;\) differs: turn is 0 where the trace has 1/,
    );
    // A variable the model does not have is named.
    itf.states.forEach((s: Json) => {
      s.ghost = true;
    });
    itf.vars.push('ghost');
    writeFileSync(join(dir, 'extra.itf.json'), JSON.stringify(itf));
    expect(run(['trace', join(dir, 'extra.itf.json'), '--model', PETERSON]).stderr).toMatch(/variable 'ghost' that the model does not have/);
  });

  it('an ITF written by hand (no #meta): states of a real execution replay against --model, the violation found in the last state', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'counter.mmu'),
      ['model counter;', 'shared x: 0..3 = 0;', 'process p(i: 0..1) {', '  x = x + 1;', '}', 'invariant small: x <= 1;', ''].join('\n'),
    );
    const n = (k: number) => ({ '#bigint': String(k) });
    const proc = (a: string, b: string) => ({
      '#map': [
        [n(0), { pc: a }],
        [n(1), { pc: b }],
      ],
    });
    const hand = {
      vars: ['x', 'p'],
      states: [
        { x: n(0), p: proc('line 4', 'line 4') },
        { x: n(1), p: proc('line 4', 'done') },
        { x: n(2), p: proc('done', 'done') },
      ],
    };
    writeFileSync(join(dir, 'hand.itf.json'), JSON.stringify(hand));
    expect(run(['trace', join(dir, 'hand.itf.json')]).code).toBe(2); // which model? it does not say
    const r = run(['trace', join(dir, 'hand.itf.json'), '--model', join(dir, 'counter.mmu'), '--format', 'text']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/step 1: p\[1\], line 4: x = x \+ 1;\n {4}x = 1\nstep 2: p\[0\], line 4: x = x \+ 1;/);
    expect(r.stdout).toMatch(/violated: invariant small \(x <= 1\) is false after step 2/);
  });
});

/** The counterexample of a model as `check` finds it, rendered in-process at a given width. */
async function table(model: string, consts: Record<string, string>, memory: 'sc' | 'tso' | 'arm', width?: number, format: 'table' | 'text' = 'table') {
  const built = buildSystem(model, consts, undefined, memorySpec(memory));
  const sys = built.system!;
  const r = await explore(sys, instantiate(sys), { deadlock: true });
  const trace = replay(sys, instantiate(sys), r.violation!);
  return formatTrace(sys, trace, r.violation!, format, new Chalk({ level: 0 }), width);
}

describe('counterexample tables', () => {
  const cwd = process.cwd();

  it('fit the width they are given, cutting cells with … and keeping the branch a condition took', async () => {
    process.chdir(ROOT);
    try {
      for (const width of [100, 80, 60]) {
        const t = await table('models/xen-pv-unpin.mmu', { SCAN: 'CpuMask' }, 'sc', width);
        const rows = t.split('\n').slice(0, -1); // the closing line is a sentence, not a row
        for (const row of rows) expect({ width, row, fits: row.length <= width }).toMatchObject({ fits: true });
        expect(t).toMatch(/…(?: |$)/m); // some cell is cut
        // The rightmost process column is the narrowest: its condition is cut, its branch kept.
        if (width >= 80) expect(t).toMatch(/11 {2} +183→126: if \(!l.*… \[false\]/);
      }
      // Wide enough, nothing is cut: a condition is shown without its comment.
      const wide = await table('models/xen-pv-unpin.mmu', { SCAN: 'CpuMask' }, 'sc', 400);
      expect(wide).not.toMatch(/…(?: |$)/m); // no cell cut (a summarised block reads {…})
      expect(wide).toMatch(/153→138: if \(loaded_mm\[c\] == MmA\) \[true\]/);
      expect(wide).not.toMatch(/\/\//);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a step inside an inline shows the call site first: two calls of one inline read differently, in the deadlock line too', async () => {
    process.chdir(ROOT);
    try {
      const t = await table('models/examples/philosophers.mmu', { ORDER: 'Naive' }, 'sc', 200);
      expect(t).toMatch(/44→35: atomic \{ await !fork\[f\]; fork\[f\] = true; \}/);
      expect(t).toMatch(/blocked: phil\[0\] \(at line 45→35\)/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('under arm, a load that read an older value says so, with the newest value', async () => {
    process.chdir(ROOT);
    try {
      // Message passing with smp_wmb() but no read barrier: the reader sees the flag, then old data.
      const mp = ['models/litmus/mp.mmu', { LINK0: 'Wmb', LINK1: 'Po' }] as const;
      const t = await table(mp[0], mp[1], 'arm', 200);
      expect(t).toMatch(/146: r1 = x\[0\]; +\(x\[0\]: old value; newest is 1\)/);
      const text = await table(mp[0], mp[1], 'arm', 200, 'text');
      expect(text).toMatch(/line 146: r1 = x\[0\];\n {4}\(read an older value of x\[0\]; newest is 1\)/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('json, itf and the table label a step the same way', () => {
    const base = ['check', 'models/examples/philosophers.mmu', '--const', 'ORDER=Naive'];
    const doc = JSON.parse(run([...base, '--trace', 'json']).stdout);
    const itf = JSON.parse(run([...base, '--trace', 'itf']).stdout);
    const text = run([...base, '--trace', 'text']).stdout;
    expect(doc.steps[0].label).toBe('44→35: atomic { await !fork[f]; fork[f] = true; }');
    expect(itf.states[1]['#meta'].action).toBe(`${doc.steps[0].process}: ${doc.steps[0].label}`);
    expect(text).toContain(`step 1: ${doc.steps[0].process}, line ${doc.steps[0].label}`);
  });
});
