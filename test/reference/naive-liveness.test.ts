// Tests of the naive liveness checker (naive-liveness.ts) on tiny models whose verdicts,
// properties and depths (stem lengths) are derived by hand from docs/language.md,
// "Properties and fairness", in the comments. A state is written (positions; variables).
// Units: each process instance, and under tso/arm each instance's drains/commits ("mem w").
// A component of the not-Q states holds a fair run when it has a step inside it and every
// fair unit is disabled somewhere in it or steps inside it; a not-Q state with no step at
// all stutters for ever (a cycle of length 0).
import { describe, expect, it } from 'vitest';
import { model } from './helpers.ts';
import { naiveGraph } from './naive.ts';
import { naiveLiveness, type NaiveLivenessOptions } from './naive-liveness.ts';

const live = (body: string, opts: NaiveLivenessOptions = {}) => naiveLiveness(model(`model t;\n${body}`), opts);
/** What the tests compare: the cycle is not unique, so it is left out unless it must be 0. */
const short = (r: ReturnType<typeof naiveLiveness>) => ({ verdict: r.verdict, property: r.property, depth: r.depth });
const holds = { verdict: 'pass', property: null, depth: null };
const broken = (property: string, depth: number) => ({ verdict: 'violation', property, depth });

describe('cycles and fairness', () => {
  it('a self-loop that never reaches Q', () => {
    // s0 (x=1; x0) -p-> s1 (loop; x1) -p-> s1. Q = x==2 never holds. {s0} has no step inside
    // it; {s1} has p's self-loop and p is the only unit: fair. Shortest stem s0 -> s1: depth 1.
    const r = live('shared x: 0..2; process p { x = 1; loop { skip; } } property two: eventually x == 2;');
    expect(short(r)).toEqual(broken('two', 1));
    expect(r.states).toBe(2);
    expect(r.cycle).toBeGreaterThan(0);
  });

  it('a process enabled all along a cycle that never moves: the cycle is unfair', () => {
    // s0 (spin, x=1; x0): spin's self-loop, setter -> s1 (spin, done; x1) where Q holds.
    // The only not-Q component is {s0}; setter is enabled there and has no step inside it:
    // unfair. No not-Q state is without steps. Holds.
    const r = live('shared x: 0..1; process spin { loop { skip; } } process setter { x = 1; } property set: eventually x == 1;');
    expect(short(r)).toEqual(holds);
    expect(r.states).toBe(2);
  });

  it('a process enabled only now and then is not protected by weak fairness', () => {
    // toggler at A (flag = true) or B (flag = false), so flag is 1 exactly at B; waiter at
    // W (await flag), G (got = true) or D.
    // s0 (A,W; f0 g0) -toggler-> s1 (B,W; f1 g0) -toggler-> s0;  s1 -waiter-> s2 (B,G; f1 g0);
    // s2 <-toggler-> s3 (A,G; f0 g0); s2, s3 -waiter-> got = 1 (Q), 2 more states: 6.
    // Not-Q components: {s0,s1} (toggler steps inside; waiter is disabled in s0): fair.
    // {s2,s3}: waiter enabled in both, its steps leave: unfair. The initial state is in the
    // fair component: depth 0.
    const r = live(`shared flag: bool; shared got: bool;
      process toggler { loop { flag = true; flag = false; } }
      process waiter { await flag; got = true; }
      property served: eventually got;`);
    expect(short(r)).toEqual(broken('served', 0));
    expect(r.states).toBe(6);
  });

  it('a terminal state without Q: a lasso with a cycle of length 0', () => {
    // s0 (x=1; x0) -> s1 (done; x1): no step in s1, which stutters for ever, and x is never 2.
    // Stem s0 -> s1: depth 1, cycle 0.
    const r = live('shared x: 0..2; process p { x = 1; } property two: eventually x == 2;');
    expect(r).toMatchObject({ ...broken('two', 1), cycle: 0, states: 2 });
  });

  it('an eventually that holds because the waiter, once enabled, stays enabled', () => {
    // setter S0/S1 (flag = true; done), waiter W/G/D, spin always at its loop.
    // Not-Q (got false) states: (S0,W; f0): setter enabled, its step leaves; (S1,W; f1) and
    // (S1,G; f1): waiter enabled, its step leaves. (S0,G) is unreachable (await needs flag).
    // Every one of these is a component with only spin's self-loop inside: all unfair.
    const r = live(`shared flag: bool; shared got: bool;
      process spin { loop { skip; } }
      process setter { flag = true; }
      process waiter { await flag; got = true; }
      property served: eventually got;`);
    expect(short(r)).toEqual(holds);
  });

  it('fair on an ordinary process changes nothing', () => {
    // The model above with the waiter declared `fair process`: the same verdict.
    const r = live(`shared flag: bool; shared got: bool;
      process spin { loop { skip; } }
      process setter { flag = true; }
      fair process waiter { await flag; got = true; }
      property served: eventually got;`);
    expect(short(r)).toEqual(holds);
  });
});

describe('background processes', () => {
  const helper = (kind: string) => `shared seen: bool;
      process spin { loop { skip; } }
      ${kind} process helper { seen = true; }
      property helped: eventually seen;`;

  it('a plain background process may stay enabled for ever and never move', () => {
    // s0 (spin, helper at seen = true; seen0): spin's self-loop, helper -> s1 (seen1, Q).
    // {s0} has spin's self-loop; spin is the only fair unit: fair. Depth 0.
    expect(short(live(helper('background')))).toEqual(broken('helped', 0));
  });

  it('the same process declared fair background must move', () => {
    // {s0}: helper is now a fair unit, enabled in s0, and its step leaves: unfair. Holds.
    expect(short(live(helper('fair background')))).toEqual(holds);
  });

  it('an unfair process that alone can move must move: no stuttering while a step is enabled', () => {
    // Without spin: s0's only step is helper's; s0 has no step inside {s0} and is not a
    // state without steps, so no run stays in it. Holds.
    const r = live('shared seen: bool; background process helper { seen = true; } property helped: eventually seen;');
    expect(short(r)).toEqual(holds);
  });
});

describe('leads-to', () => {
  const deep = (kind: string) => `shared x: 0..6; shared ack: bool;
      process p { x = 1; x = 2; x = 3; x = 4; x = 5; x = 6; }
      process spin { loop { skip; } }
      ${kind} process q { await x == 6; ack = true; }
      property acked: x == 6 ~> ack;`;

  it('violated only deep in the run, when the background acknowledger is not fair', () => {
    // s_x (p before x = x+1; q at await; x) for x = 0..5, then (done, W; 6), (done, A; 6),
    // (done, D; 6, ack): 9 states, each with spin's self-loop. Each is its own component.
    // s_x, x < 6: p enabled, its step leaves: unfair. (done, W; 6): p done, q not a fair
    // unit: fair, and x == 6 holds there, first reached after 6 steps. Depth 6 (> 5).
    const r = live(deep('background'));
    expect(short(r)).toEqual(broken('acked', 6));
    expect(r.states).toBe(9);
  });

  it('holds when the acknowledger is a fair background process', () => {
    // (done, W; 6) and (done, A; 6): q enabled (x == 6 stays; ack = true always can run)
    // and its steps leave: unfair. The earlier s_x are unfair because of p. Holds.
    expect(short(live(deep('fair background')))).toEqual(holds);
  });

  it('before the P state the run may pass through Q states', () => {
    // x: 0 -> 1 -> 2 -> 3 then p loops at 3. P = x == 2, Q = x == 1: Q holds at depth 1,
    // P at depth 2 (state (x=3; 2)), then (loop; 3) is a fair self-loop without Q.
    // Stem s0 s1 s2 s3: depth 3 (the P state s2 is on it, not the cycle start).
    const r = live('shared x: 0..3; process p { x = 1; x = 2; x = 3; loop { skip; } } property back: x == 2 ~> x == 1;');
    expect(short(r)).toEqual(broken('back', 3));
  });

  it('a P state that Q follows for sure: holds', () => {
    // The same chain, x == 2 ~> x == 3: from (x=3; 2) the only step goes to x == 3. Holds.
    const r = live('shared x: 0..3; process p { x = 1; x = 2; x = 3; loop { skip; } } property fwd: x == 2 ~> x == 3;');
    expect(short(r)).toEqual(holds);
  });
});

describe('which violation is reported', () => {
  // s0 (either; 0): branch 1 -> sA (done; 3), branch 2 -> s1 (x=2; 1) -> s2 (done; 2).
  // sA and s2 have no step. `deep` (eventually x == 3): not-Q states s0 s1 s2, goal s2 (no
  // step), depth 2. `shallow` (eventually x == 2): not-Q s0 s1 sA, goal sA, depth 1.
  // `ends` (eventually done(p)): not-Q s0 and s1, neither without steps, no cycle: holds.
  const body = `shared x: 0..3;
      process p { either { x = 3; } or { x = 1; x = 2; } }
      property deep: eventually x == 3;
      property shallow: eventually x == 2;
      property ends: eventually done(p);`;

  it('the first violated property in declaration order, even when a later one is shorter', () => {
    expect(live(body)).toMatchObject({ ...broken('deep', 2), cycle: 0, states: 4 });
  });

  it('the property filter checks only the named ones, still in declaration order', () => {
    expect(short(live(body, { properties: ['shallow'] }))).toEqual(broken('shallow', 1));
    expect(short(live(body, { properties: ['ends'] }))).toEqual(holds);
    expect(short(live(body, { properties: ['ends', 'shallow'] }))).toEqual(broken('shallow', 1));
    expect(short(live(body, { properties: ['shallow', 'deep'] }))).toEqual(broken('deep', 2));
    expect(() => live(body, { properties: ['nope'] })).toThrow(/no property 'nope'/);
  });

  it('safety first: a deadlock stops the run before any property; without the deadlock check it is a state without steps', () => {
    // s0 (await x == 1; x0) has no step: a deadlock (p is neither done nor at an end label).
    const src = 'shared x: 0..1; process p { await x == 1; } property ends: eventually done(p);';
    const r = live(src);
    expect(r).toMatchObject({ verdict: 'violation', property: null, depth: null, cycle: null });
    expect(r.safety.violation).toMatchObject({ kind: 'deadlock', depth: 0 });
    // With deadlock off, s0 stutters for ever without done(p): depth 0, cycle 0.
    expect(live(src, { deadlock: false })).toMatchObject({ ...broken('ends', 0), cycle: 0 });
  });

  it('an invariant violation also stops the run', () => {
    const r = live('shared x: 0..2; process p { x = 1; x = 2; } invariant small: x < 2; property two: eventually x == 2;');
    expect(r).toMatchObject({ verdict: 'violation', property: null });
    expect(r.safety.violation).toMatchObject({ kind: 'invariant', property: 'small', depth: 2 });
  });
});

describe('fairness of the memory system', () => {
  // w stores x = 1 and ends; r spins, reading x, until it sees 1.
  const spinner = `shared x: 0..1;
      process w { x = 1; }
      process r { loop { if (x == 1) { break; } } }
      property sees: eventually done(r);`;

  it('tso: drains are fair, so a buffered store is eventually seen', () => {
    // s0 (w at store, r at if; buf [], x0): r reads 0, a self-loop; w -> s1 (w done; buf
    // [x=1], x0): r still reads memory 0, a self-loop; mem w (the drain) -> s2 (buf [], x1):
    // r reads 1 and leaves the loop -> s3 (r done): Q. 4 states.
    // Not-Q components: {s0} (w enabled, its step leaves: unfair), {s1} (the drain is enabled
    // and leaves: unfair; were drains not fair, {s1} would be fair and the property broken at
    // depth 1), {s2} (no step inside). Holds.
    const r = live(spinner, { memory: 'tso' });
    expect(short(r)).toEqual(holds);
    expect(r.states).toBe(4);
    // The drain out of s1 is labelled with w's memory unit, not with w.
    const g = naiveGraph(model(`model t;\n${spinner}`), { memory: 'tso' });
    const drain = g.edges[1].filter((e) => e.target !== 1);
    expect(drain.map((e) => [g.units[e.unit].instance, g.units[e.unit].memory])).toEqual([['w', true]]);
  });

  it('arm: commits are fair, so a pending store reaches memory and an awaiting reader goes on', () => {
    // s0 (w at store, r at await; x0 ts0): r can read only 0 (disabled); w -> s1 (pending
    // x=1). s1: r still reads 0 (disabled); mem w (commit) -> s2 (x1 ts1, the old 0 still
    // readable by r). s2: r may read 1, so its await is enabled -> s3 (r done): Q.
    // spin's self-loop everywhere. {s0}: w enabled, leaves. {s1}: the commit is enabled
    // and leaves (without commit fairness this would be a fair cycle). {s2}: r enabled in s2,
    // its step leaves. All unfair: holds.
    const r = live(
      `shared x: 0..1;
      process w { x = 1; }
      process spin { loop { skip; } }
      process r { await x == 1; }
      property sees: eventually done(r);`,
      { memory: 'arm' },
    );
    expect(short(r)).toEqual(holds);
  });

  it('arm: a spinning reader may go on reading the older message for ever (the contract forces no visibility)', () => {
    // As under tso up to s2 (x1 ts1 committed, the older 0 kept because r's coh is still 0).
    // In s2 r may read the older message 0: its views stay 0 and the state is unchanged, a
    // self-loop by r. In s2 w is done and no store is pending, so only r is enabled, and it
    // steps: {s2} is fair. Stem s0 s1 s2: depth 2.
    expect(short(live(spinner, { memory: 'arm' }))).toEqual(broken('sees', 2));
  });
});

describe('locks: a test-and-set waiter can starve, a ticket-lock waiter cannot', () => {
  it('test-and-set (spin_lock as an atomic await): violation', () => {
    // Each p[i] at want (lock) or crit (unlock); locked is true exactly when one is at crit.
    // States (want,want), (crit,want), (want,crit). Q = p[1]@crit. Not-Q: (want,want) and
    // (crit,want), one component where p[0] locks and unlocks; p[1] is disabled in
    // (crit,want): fair. P = p[1]@want holds initially: depth 0.
    const r = live(`const N = 2; type Pid = 0..N-1;
      shared locked: bool;
      process p(i: Pid) {
        loop {
          want: atomic { await !locked; locked = true; }
          crit: locked = false;
        }
      }
      property p1_served: p[1]@want ~> p[1]@crit;`);
    expect(short(r)).toEqual(broken('p1_served', 0));
    expect(r.states).toBe(3);
  });

  it('ticket lock: pass', () => {
    // From a state with p[1] at want, a run that avoids p[1]@crit: taking a ticket has no
    // await, so p[1] cannot stay at want for ever (weakly fair). At wait with ticket t, p[1]
    // leaves only to crit. The owner moves only from crit; p[0] enters crit at most once
    // before owner == t (tickets are served in order), and after that p[0] holds ticket t+1
    // and waits. From owner == t on, p[1]'s await stays true and nobody else moves owner, so
    // p[1] is enabled for ever: unfair. No fair run avoids Q: holds.
    const r = live(`const N = 2; type Pid = 0..N-1;
      shared next: Pid; shared owner: Pid;
      process p(i: Pid) {
        var t: Pid;
        loop {
          want: atomic { t = next; next = (next + 1) % N; }
          wait: await owner == t;
          crit: atomic { owner = (owner + 1) % N; t = 0; }
        }
      }
      property p1_served: p[1]@want ~> p[1]@crit;`);
    expect(short(r)).toEqual(holds);
  });
});
