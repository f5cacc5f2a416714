// Tests of the naive reference explorer under `memory: 'arm'` (docs/memory-models.md,
// "--memory arm (Armv8)"), on tiny models whose state counts are derived by hand from the
// written rules in the comments.
//
// Notation: a state is (positions; pending stores, oldest first; memory), e.g.
// (at y=1; [x1|b]; x1@1 [x0@0] y0@0): x's current message is 1 with timestamp 1 and x0 with
// timestamp 0 is an older message still kept; `|b` marks the barrier-after flag and `|rel` a
// release. Views are named when they matter (coh[x], vrOld, vwOld, vrNew, vCAP, vRel; the
// view of a local `r` is written r@v). Every state is in normal form: timestamps are dense
// (the first commit gets 1, the next 2, ...), older messages that no process can read are
// gone. Unless said otherwise K (storeBuffer) is 2.
import { describe, expect, it } from 'vitest';
import { naiveExplore, type NaiveOptions, type NaiveResult } from './naive.ts';
import { model, pass, run, violation } from './helpers.ts';
import { randomModel } from './random-models.ts';

const arm = (body: string, opts: NaiveOptions = {}): NaiveResult => run(body, { memory: 'arm', ...opts });

describe('arm: state counts', () => {
  it('forwarding: a process reads its own pending store', () => {
    // s0 (at x=1; []; x0@0).  Store -> s1 (at r=x; [x1]; x0@0).
    // s1: the load forwards the pending store: r = 1, vpost = vpre ⊔ view(x1) = 0
    //     -> s2 (done; [x1]; x0@0; r@0).  Commit -> s3 (at r=x; []; x1@1; coh[x] = vwOld = 1):
    //     x0 is dropped (p, the only process, can read only messages >= coh[x] = 1).
    // s2: commit -> s4 (done; []; x1@1; r@0, vrOld 0, coh 1, vwOld 1).
    // s3: the load reads memory: the newest message <= max(vpre 0, coh 1) is x1@1, the only
    //     candidate -> s5 (done; []; x1@1; r@1, vrOld 1). s4 != s5 (the views of r differ).
    // 6 states (tso has 5: s4 and s5 are one state there), the deepest at depth 3.
    expect(arm('shared x: 0..1; process p { var r: 0..1; x = 1; r = x; }')).toEqual(pass(6, 3));
  });

  it('SB: 43 states, K = 1 or 2; r0 == r1 == 0 at depth 4', () => {
    // p0: Sx (store x=1), Cx (its commit), Ly (r0 = y); Sx before Cx and Ly. p1 likewise
    // (Sy, Cy, Lx). Each process is in one of 5 phases: a (nothing), b (Sx), c (Sx Cx),
    // d (Sx Ly), e (Sx Cx Ly). Each process has one store and each location at most two
    // messages, so K = 1 changes nothing. The timestamps are the commit order.
    // Ly: vrNew = 0 and coh0[y] = 0 until then, so y0@0 is still kept (p0 may read it) and is
    // a candidate, and so is y1 once committed: r0 = 0 is always possible, r0 = 1 iff Cy came
    // first; r0's view, coh0[y] and vrOld0 are the timestamp read. The kept older messages,
    // coh0[x] = vwOld0 = t(Cx) follow from the rest, so a state is: the two phases, r0, r1 and
    // which commit came first when both did (the messages' timestamps differ).
    // Per pair of phases: r0 has 1 + [p1 committed] values if p0 loaded (else 1), r1 likewise,
    // times 2 when both committed. With a = b = "neither" (2 phases), c = "C only", d = "L
    // only", e = "C and L":
    //   p0 in a/b: (a/b, a/b) 4, (a/b, c) 2, (a/b, d) 2, (a/b, e) 2          = 10
    //   p0 in c:   (c, a/b) 2, (c, c) 2, (c, d) 2 (r1 in 0,1), (c, e) 2*2    = 10
    //   p0 in d:   (d, a/b) 2, (d, c) 2 (r0 in 0,1), (d, d) 1, (d, e) 2      =  7
    //   p0 in e:   (e, a/b) 2, (e, c) 2*2, (e, d) 2, (e, e) 2*2*2            = 16
    // 43 states (tso: 34, the same without the factor 2 of the commit order), depth 6.
    const SB = `shared x: 0..1; shared y: 0..1;
      process p0 { var r0: 0..1; x = 1; r0 = y; }
      process p1 { var r1: 0..1; y = 1; r1 = x; }`;
    expect(arm(SB)).toEqual(pass(43, 6));
    expect(arm(SB, { storeBuffer: 1 })).toEqual(pass(43, 6));
    // Sx, Ly (reads 0), Sy, Lx (reads 0): 4 steps; each load follows its own store.
    const out = `${SB}\ninvariant sb: !(done(p0) && done(p1) && p0.r0 == 0 && p1.r1 == 0);`;
    expect(violation(arm(out))).toEqual({ kind: 'invariant', property: 'sb', depth: 4 });
  });

  it('MP with K = 1: 21 states, r0 == 1 && r1 == 0 still reachable (the loads are not ordered)', () => {
    // p0: x = 1; y = 1. With K = 1 the store y = 1 waits for x's commit: p0's phases are a (at
    // x=1) b (at y=1; [x1]) c (at y=1; []; x1@1) d (done; [y1]; x1@1) e (done; []; y1@2), a
    // chain, so t(x) = 1 and t(y) = 2. p1: r0 = y; r1 = x, no fences: vrNew stays 0.
    // Before p1 loads y, y0@0 is kept (coh1[y] = 0), and before it loads x, x0@0 is kept.
    // p1 at r0=y: p0 in a..e: 5.
    // p1 at r1=x: r0 = 0 (y0, readable whatever p0 has done), p0 in a..e: 5; r0 = 1 (y1, so
    //   p0 in e): 1. 6.
    // p1 done: (0,0) p0 in a..e: 5; (0,1) x committed before the load, p0 in c/d/e: 3;
    //   (1,0) p0 in e, x read from the kept x0@0: 1; (1,1): 1. 10.
    // The views follow from the values (r0@2 iff r0 = 1, r1@1 iff r1 = 1). 5 + 6 + 10 = 21,
    // depth 4 + 2. The outcome needs all 6 steps.
    const MP = `shared x: 0..1; shared y: 0..1;
      process p0 { x = 1; y = 1; }
      process p1 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = x; }`;
    expect(arm(MP, { storeBuffer: 1 })).toEqual(pass(21, 6));
    const out = `${MP}\ninvariant mp: !(done(p1) && p1.r0 == 1 && p1.r1 == 0);`;
    expect(violation(arm(out, { storeBuffer: 1 }))).toEqual({ kind: 'invariant', property: 'mp', depth: 6 });
  });

  it('smp_wmb: the flag keeps y = 1 in the buffer until x = 1 is committed', () => {
    // Positions P0 (x=1) P1 (wmb) P2 (y=1) P3 (done).
    // s0 (P0; []; x0 y0) -> s1 (P1; [x1]).
    // s1: wmb -> s2 (P2; [x1|b]); commit -> s3 (P1; []; x1@1; coh[x] = vwOld = 1).
    // s2: store -> s4 (P3; [x1|b, y1]); commit -> s5 (P2; []; x1@1).
    // s3: wmb with an empty buffer: nothing to flag -> (P2; []; x1@1) = s5.
    // s4: only x1 may commit (y1 has an older flagged store) -> s7 (P3; [y1]; x1@1).
    // s5: store -> (P3; [y1]; x1@1) = s7.   s7: commit -> s8 (P3; []; x1@1 y1@2).
    // 8 states, depth 5.
    const W = 'shared x: 0..1; shared y: 0..1; process p { x = 1; smp_wmb(); y = 1; }';
    expect(arm(W)).toEqual(pass(8, 5));
    expect(arm(`${W} invariant o: !(y == 1 && x == 0);`)).toEqual(pass(8, 5));
    // Without the barrier: t0 (at x=1; []) t1 (at y=1; [x1]) t2 (done; [x1, y1]) t3 (at y=1;
    // []; x1@1) t4 (done; [y1]; x1@1) t5 (done; [x1]; y1@1: y committed first) t6 (done; [];
    // x1@1 y1@2) t7 (done; []; y1@1 x1@2): 8 states, depth 4; y == 1 && x == 0 in t5, depth 3.
    const N = 'shared x: 0..1; shared y: 0..1; process p { x = 1; y = 1; }';
    expect(arm(N)).toEqual(pass(8, 4));
    expect(violation(arm(`${N} invariant o: !(y == 1 && x == 0);`))).toEqual({ kind: 'invariant', property: 'o', depth: 3 });
  });

  it('smp_store_release commits only as the oldest pending store', () => {
    // u0 (at x=1; []) -> u1 (at rel; [x1]). u1: release -> u2 (done; [x1, y1|rel]); commit ->
    // u3 (at rel; []; x1@1). u2: only x1 may commit -> u4 (done; [y1|rel]; x1@1). u3: release
    // -> u4. u4: commit -> u5 (done; []; x1@1 y1@2; vwOld = vRel = 2). 6 states, depth 4.
    expect(arm('shared x: 0..1; shared y: 0..1; process p { x = 1; smp_store_release(y, 1); }')).toEqual(pass(6, 4));
  });

  it('MP with release/acquire: 23 states, the outcome unreachable', () => {
    // p: the 6 phases above, a = u0 b = u1 c = u3 d = u2 e = u4 f = u5 (t(x) = 1, t(y) = 2).
    // q: r0 = smp_load_acquire(y) (never blocked: q has no release pending; vRel = 0), then
    // r1 = x. The acquire reads y0 (always kept before it) or y1 once committed; vrNew = vpost.
    // If r0 = 1, vrNew = 2 and the newest x message <= 2 is x1@1: r1 = 1. If r0 = 0 the load of
    // x reads x0 (kept) or x1 once committed.
    // q at the acquire: p in a..f: 6. After it: r0 = 0, p anywhere: 6; r0 = 1, p in f: 1. 7.
    // Done: (0,0): 6; (0,1): x committed first, p in c/e/f: 3; (1,1): 1; (1,0): none. 10.
    // 6 + 7 + 10 = 23, depth 4 + 2.
    const src = `shared x: 0..1; shared y: 0..1;
      process p { x = 1; smp_store_release(y, 1); }
      process q { var r0: 0..1; var r1: 0..1; r0 = smp_load_acquire(y); r1 = x; }
      invariant mp: !(done(q) && q.r0 == 1 && q.r1 == 0);`;
    expect(arm(src)).toEqual(pass(23, 6));
  });

  it('an acquire waits for the own pending release (RCsc)', () => {
    // z0 (at rel; []) -> z1 (at acq; [x1|rel]): the acquire is disabled, only the commit ->
    // z2 (at acq; []; x1@1; vwOld = vRel = 1). The acquire: vpre = vRel = 1, the newest y
    // message <= 1 is y0@0, the only candidate: r = 0, vpost 1 -> z3 (done; vrOld = vrNew = 1).
    // 4 states, depth 3 (tso: 5, where the load may come before the drain).
    const src = 'shared x: 0..1; shared y: 0..1; process p { var r: 0..1; smp_store_release(x, 1); r = smp_load_acquire(y); }';
    expect(arm(src)).toEqual(pass(4, 3));
    expect(run(src, { memory: 'tso' })).toEqual(pass(5, 3));
  });

  it('a dropped smp_load_acquire is a step under arm', () => {
    // (at acq; y0@0) -> (done; coh[y] = vrOld = vrNew = 0): 2 states (sc: 1).
    const src = 'shared y: 0..1; process p { smp_load_acquire(y); }';
    expect(arm(src)).toEqual(pass(2, 1));
    expect(run(src)).toEqual(pass(1, 0));
  });

  it('an address dependency orders the second load (MP+wmb+addr: 26 states)', () => {
    // p0: d[1] = 1; smp_wmb(); y = 1: the 8 phases of the wmb test (s0 s1 s2 s3 s4 s5 s7 s8),
    // d committed in s3 s5 s7 s8, y only in s8; t(d[1]) = 1, t(y) = 2.
    // p1: r0 = y (y0 or, in s8, y1@2; r0's view is that timestamp), then r1 = d[r0]: va = the
    // view of r0. r0 = 0: d[0] has only d0@0: r1 = 0. r0 = 1: vpre = 2, the newest d[1]
    // message <= 2 is d1@1: r1 = 1.
    // p1 at r0=y: 8. At r1=d[r0]: r0 = 0 with p0 anywhere: 8; r0 = 1 (p0 in s8): 1. Done:
    // (0,0): 8; (1,1): 1. 8 + 9 + 9 = 26, depth 5 + 2.
    const src = `shared d: [2]0..1; shared y: 0..1;
      process p0 { d[1] = 1; smp_wmb(); y = 1; }
      process p1 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = d[r0]; }
      invariant mp: !(done(p1) && p1.r0 == 1 && p1.r1 == 0);`;
    expect(arm(src)).toEqual(pass(26, 7));
  });

  it('a fake dependency (d[1 - r0 + r0]) orders the load too: 30 states', () => {
    // As above, but the second load always reads d[1], with the view of r0. r0 = 1: as above,
    // r1 = 1. r0 = 0: vpre = 0, d0@0 is kept (coh1[d1] = 0) so r1 = 0 with p0 anywhere (8),
    // or r1 = 1 if d was committed first, p0 in s3/s5/s7/s8 (4). Done: 8 + 4 + 1 = 13.
    // 8 + 9 + 13 = 30, depth 7.
    const src = `shared d: [2]0..1; shared y: 0..1;
      process p0 { d[1] = 1; smp_wmb(); y = 1; }
      process p1 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = d[1 - r0 + r0]; }
      invariant mp: !(done(p1) && p1.r0 == 1 && p1.r1 == 0);`;
    expect(arm(src)).toEqual(pass(30, 7));
  });

  it('normal form (1): an older message is kept while a process may read it', () => {
    // p: x = 1 in phases a (at x=1) b (done; [x1]) c (done; []; x1@1). q: r = x.
    // q not loaded: p in a/b/c: 3; in c x0@0 is kept as an older message (coh_q[x] = 0).
    // q loaded r = 0 (x0 is readable whatever p did): p in a/b/c: 3, x0 still kept in c.
    // q loaded r = 1 (p in c): coh_q[x] = 1 too, so x0 is dropped: 1.
    // 7 states, depth 3.
    const src = 'shared x: 0..1; process p { x = 1; } process q { var r: 0..1; r = x; }';
    expect(arm(src)).toEqual(pass(7, 3));
    // So q may read 0 after x = 1 is in memory and p is done (smp_mb() waits for the commit):
    // x = 1, commit, mb, await, load: depth 5. Under sc and tso q then reads 1.
    const stale = `shared x: 0..1; process p { x = 1; smp_mb(); }
      process q { var r: 0..1; await done(p); r = x; } invariant s: !(done(q) && q.r == 0);`;
    expect(violation(arm(stale))).toEqual({ kind: 'invariant', property: 's', depth: 5 });
    expect(run(stale).verdict).toBe('pass');
    expect(run(stale, { memory: 'tso' }).verdict).toBe('pass');
  });

  it('normal form (2) and (3): at most K older messages, coh raised, timestamps renumbered', () => {
    // K = 1. p: x = 1; x = 2 in a chain (the second store waits for the first commit):
    // a (at x=1) b (at x=2; [x1]) c (at x=2; []; x1@1 [x0@0]) d (done; [x2]; x1@1 [x0@0])
    // e (done; []; x2@2 [x1@1]): in e two older messages would remain, so x0 is dropped and
    // coh_q[x] is raised to 1. q: r = x.
    // q not loaded: p in a..e: 5.
    // r = 0 (read before p reached e): p in a..e: 5 (in e: r@0, vrOld 0, coh_q[x] = 1).
    // r = 1 (read in c, d or e): p in c/d/e: 3 (x0 dropped: both processes are at x1).
    // r = 2 (read in e): 1; x1 is dropped, and the timestamps are renumbered: x2@1, r@1.
    // 5 + 5 + 3 + 1 = 14, depth 4 + 1.
    const src = 'shared x: 0..2; process p { x = 1; x = 2; } process q { var r: 0..2; r = x; }';
    expect(arm(src, { storeBuffer: 1 })).toEqual(pass(14, 5));
    // One process, K = 2: v0 (at x=1) v1 (at x=2; [x1]) v2 (done; [x1, x2]) v3 (at x=2; [];
    // x1@1) v4 (done; [x2]; x1@1; from v2 and v3) v5 (done; []; x2@1 after renumbering).
    // 6 states, depth 4.
    expect(arm('shared x: 0..2; process p { x = 1; x = 2; }')).toEqual(pass(6, 4));
  });

  it('the bound on older messages removes behaviours (K = 2: stale x0, K = 1: not after x = 2)', () => {
    // p1 sees y = 1, so x = 1 and x = 2 are both committed. With K = 2, x0@0 is still kept for
    // p1 (coh1[x] = 0) and r1 = 0 is reachable; with K = 1 it is dropped when x2 is committed
    // and coh1[x] is raised to the timestamp of x1.
    const src = `shared x: 0..2; shared y: 0..1;
      process p0 { x = 1; x = 2; smp_wmb(); y = 1; }
      process p1 { var r0: 0..1; var r1: 0..2; r0 = y; r1 = x; }
      invariant stale: !(done(p1) && p1.r0 == 1 && p1.r1 == 0);`;
    expect(violation(arm(src))).toMatchObject({ kind: 'invariant', property: 'stale' });
    expect(arm(src, { storeBuffer: 1 }).verdict).toBe('pass');
  });

  it('SB with xchg on both sides: 17 states, the outcome unreachable', () => {
    // An xchg is a step with an empty buffer that makes a new current message at once; then
    // V = max(views, its timestamp) and vrOld = vrNew = coh[x] = vwOld = V.
    // Phases 0 (at xchg) 1 (at load) 2 (done). (0,0): 1. Only p0's xchg (t = 1): (1,0) 1, and
    // its load reads y0 (the only message): (2,0) 1; p1 symmetric: 2. Both xchg'd, p0 first
    // (t(x) = 1, t(y) = 2): (1,1) 1; p0's load (vrNew 1): y0 or y1@2 -> (2,1) 2; p1's load
    // (vrNew 2): the newest x <= 2 is x1@1, the only candidate -> (1,2) 1; (2,2) 2 (r1 = 1).
    // Reading y0 before or after p1's xchg gives the same state (vpost = 1 either way). 6, and
    // 6 with p1 first. 1 + 2 + 2 + 12 = 17, depth 4.
    const src = `shared x: 0..1; shared y: 0..1;
      process p0 { var r0: 0..1; xchg(x, 1); r0 = y; }
      process p1 { var r1: 0..1; xchg(y, 1); r1 = x; }
      invariant sb: !(done(p0) && done(p1) && p0.r0 == 0 && p1.r1 == 0);`;
    expect(arm(src)).toEqual(pass(17, 4));
    // With a plain store on one side the outcome is reachable.
    expect(violation(arm(src.replace('xchg(y, 1)', 'y = 1')))).toMatchObject({ kind: 'invariant', property: 'sb' });
  });

  it('an atomic block that mentions a shared location waits for an empty buffer', () => {
    // (at x=1; []; x0) -> (atomic; [x1]): the block is disabled, only the commit ->
    // (atomic; []; x1@1) -> x = 2 as a new message x2@2, V = 2, vrOld = vrNew = coh[x] = vwOld
    // = 2; x1 is dropped and 2 renumbered to 1 -> (done; []; x2@1). 4 states, depth 3.
    expect(arm('shared x: 0..3; process p { x = 1; atomic { x = x + 1; } }')).toEqual(pass(4, 3));
    // A block of ghost locations and locals does not wait, and (ghost synchronisation) ends
    // with vrNew ⊔= the largest timestamp: s0 (at x=1; []) s1 (atomic; [x1]; x0@0). s1: the
    // block -> s2 (done; [x1]; g1; vrNew 0); the commit -> s3 (atomic; []; x1@1). s2: commit
    // -> s4 (done; []; x1@1; g1; vrNew 0). s3: the block -> s5 (done; []; x1@1; g1; vrNew 1).
    // 6 states, depth 3.
    expect(arm('shared x: 0..1; ghost g: 0..1; process p { x = 1; atomic { g = 1; } }')).toEqual(pass(6, 3));
  });

  it('ghost synchronisation: a step that mentions a ghost location observes all of memory', () => {
    // p: a (at x=1) b (done; [x1]) c (done; []; x1@1). q: g = 1 (a ghost step: then vrNew_q
    // ⊔= the largest timestamp), r = x.
    // q at g=1: p in a/b/c: 3 (in c x0@0 is kept for q).
    // q at r=x: g stored before the commit (vrNew_q = 0), p then in a/b/c: 3; g stored after
    //   it (vrNew_q = 1; x0 dropped, nobody can read it): 1. 4.
    // q done: vrNew_q = 0: r = 0 (x0), p in a/b/c: 3; r = 1 (x1@1, p in c): 1; vrNew_q = 1:
    //   the newest message <= 1 is x1, r = 1: 1 (differs from the previous one in vrNew). 5.
    // 3 + 4 + 5 = 12 (10 without the rule), depth 4.
    expect(arm('shared x: 0..1; ghost g: 0..1; process p { x = 1; } process q { var r: 0..1; g = 1; r = x; }')).toEqual(pass(12, 4));
    // A ghost flag set after smp_mb(): q, having seen it, reads x = 1. The states: p at x=1,
    // at mb with [x1], at mb with x1@1, at g=1, done (q blocked at its await): 5; then q past
    // the await (vrNew_q = 1): 1; q done with r = 1: 1. 7 states, depth 6.
    const flag = (kind: string): string => `shared x: 0..1; ${kind} g: 0..1;
      process p { x = 1; smp_mb(); g = 1; }
      process q { var r: 0..1; await g == 1; r = x; }
      invariant o: !(done(q) && q.r == 0);`;
    expect(arm(flag('ghost'))).toEqual(pass(7, 6));
    // With a shared flag q needs a barrier of its own: x = 1, commit, mb, g = 1, commit,
    // await, r = x (the kept x0): violation at depth 7.
    expect(violation(arm(flag('shared')))).toEqual({ kind: 'invariant', property: 'o', depth: 7 });
  });

  it('every fence is a step, smp_mb and dsb only with an empty buffer', () => {
    // Five fences on an empty buffer: 6 positions, nothing else changes. 6 states, depth 5.
    expect(arm('shared x: 0..1; process p { smp_wmb(); smp_rmb(); isb(); dsb(); smp_mb(); }')).toEqual(pass(6, 5));
    // (at x=1; []) (mb; [x1]) -commit-> (mb; []; x1@1) -> (done): 4 states, depth 3.
    expect(arm('shared x: 0..1; process p { x = 1; smp_mb(); }')).toEqual(pass(4, 3));
  });

  it('deadlock, invariants and ranges', () => {
    // (await; [x1]): the await reads 1 (forwarded), only the commit is enabled; (await; [];
    // x1@1): the newest message <= coh[x] = 1 is x1, the only candidate: deadlock at depth 2.
    expect(violation(arm('shared x: 0..1; process p { x = 1; await x == 0; }'))).toEqual({ kind: 'deadlock', property: 'deadlock', depth: 2 });
    // Invariants read the current message: x == 0 holds until the commit, at depth 2.
    expect(violation(arm('shared x: 0..1; process p { x = 1; } invariant zero: x == 0;'))).toEqual({
      kind: 'invariant',
      property: 'zero',
      depth: 2,
    });
    // The range is checked when the store is taken: depth 2 with room, 3 with K = 1.
    const bad = 'shared x: 0..1; process p { x = 1; x = 2; }';
    expect(violation(arm(bad))).toMatchObject({ kind: 'range', depth: 2 });
    expect(violation(arm(bad, { storeBuffer: 1 }))).toMatchObject({ kind: 'range', depth: 3 });
  });

  it('a whole array or struct cannot be loaded or stored in a step (inside atomic it can)', () => {
    expect(() => arm('shared a: [2]0..1; process p { var l: [2]0..1; a = l; }')).toThrow(/whole array/);
    expect(() => arm('shared a: [2]0..1; process p { var l: [2]0..1; l = a; }')).toThrow(/whole array/);
    // (l[1]=1) (atomic) (done; a = [0,1], both slots with one timestamp): 3 states.
    expect(arm('shared a: [2]0..1; process p { var l: [2]0..1; l[1] = 1; atomic { a = l; } } invariant ok: done(p) => a[1] == 1;')).toEqual(pass(3, 2));
  });
});

describe('arm: litmus verdicts', () => {
  // Every outcome below is forbidden under sc; under arm it is reachable (violation) or not
  // (pass) as on Armv8, except LB (a documented gap). Each depth is the shortest path to it.
  const cases: [string, string, 'pass' | number][] = [
    // MP: Sx, Sy, Cy, r0 = y (1), r1 = x (the kept x0): 5.
    [
      'MP',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = x; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      5,
    ],
    // SB: Sx, r0 = y, Sy, r1 = x: 4.
    [
      'SB',
      `shared x: 0..1; shared y: 0..1;
       process p0 { var r0: 0..1; x = 1; r0 = y; }
       process p1 { var r1: 0..1; y = 1; r1 = x; }
       invariant o: !(done(p0) && done(p1) && p0.r0 == 0 && p1.r1 == 0);`,
      4,
    ],
    // 2+2W: four stores, four commits (y = 1 before y = 2, x = 1 before x = 2), two mbs: 10.
    [
      '2+2W',
      `shared x: 0..2; shared y: 0..2;
       process p0 { x = 2; y = 1; smp_mb(); }
       process p1 { y = 2; x = 1; smp_mb(); }
       invariant o: !(done(p0) && done(p1) && x == 2 && y == 2);`,
      10,
    ],
    // S: x = 2 and y = 1 stored, y committed, p1 reads it, stores and commits x = 1, then
    // x = 2 commits; two mbs: 9.
    [
      'S',
      `shared x: 0..2; shared y: 0..1;
       process p0 { x = 2; y = 1; smp_mb(); }
       process p1 { var r0: 0..1; r0 = y; x = 1; smp_mb(); }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && x == 2);`,
      9,
    ],
    // R: Sx, Sy1, Cy1, Sy2, Cy2, r0 = x (0), Cx, two mbs: 9.
    [
      'R',
      `shared x: 0..1; shared y: 0..2;
       process p0 { x = 1; y = 1; smp_mb(); }
       process p1 { var r0: 0..1; y = 2; r0 = x; smp_mb(); }
       invariant o: !(done(p0) && done(p1) && y == 2 && p1.r0 == 0);`,
      9,
    ],
    // IRIW: both stores committed, then four loads (each reader's second load reads the
    // kept initial message): 8.
    [
      'IRIW',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; }
       process p1 { y = 1; }
       process p2 { var r0: 0..1; var r1: 0..1; r0 = x; r1 = y; }
       process p3 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = x; }
       invariant o: !(done(p0) && done(p1) && done(p2) && done(p3)
         && p2.r0 == 1 && p2.r1 == 0 && p3.r0 == 1 && p3.r1 == 0);`,
      8,
    ],
    // WRC: Sx, Cx, r0 = x (1), Sy, Cy, r1 = y (1), r2 = x (the kept x0): 7.
    [
      'WRC',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; }
       process p1 { var r0: 0..1; r0 = x; y = 1; }
       process p2 { var r1: 0..1; var r2: 0..1; r1 = y; r2 = x; }
       invariant o: !(done(p0) && done(p1) && done(p2) && p1.r0 == 1 && p2.r1 == 1 && p2.r2 == 0);`,
      7,
    ],
    // MP with smp_wmb only: the loads may still be reordered.
    [
      'MP+wmb',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = x; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      7,
    ],
    [
      'MP+wmb+rmb',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = y; smp_rmb(); r1 = x; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    [
      'MP+wmb+addr',
      `shared d: [2]0..1; shared y: 0..1;
       process p0 { d[1] = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = d[r0]; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    // The dependency flows through a local: t has r0's view.
    [
      'MP+wmb+addr via a local',
      `shared d: [2]0..1; shared y: 0..1;
       process p0 { d[1] = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var t: 0..1; var r1: 0..1; r0 = y; t = r0 - r0; r1 = d[t + 1]; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    // Through an element of a local array: l[r0] = 1 gives l[1] the view of its index r0.
    [
      'MP+wmb+addr via a local array element',
      `shared d: [2]0..1; shared y: 0..1;
       process p0 { d[1] = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var l: [2]0..1; var r1: 0..1; r0 = y; l[r0] = 1; r1 = d[l[1] * 0 + 1]; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    // The same load without the dependency: Sd, W, Sy, Cd, Cy, r0 = y, r1 = d[1] (kept d0): 7.
    [
      'MP+wmb, no dependency',
      `shared d: [2]0..1; shared y: 0..1;
       process p0 { d[1] = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = y; r1 = d[1]; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      7,
    ],
    // A control dependency does not order loads; with isb() it does (vrNew ⊔= vCAP).
    [
      'MP+wmb+ctrl',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = y; if (r0 == 1) { r1 = x; } }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      8,
    ],
    [
      'MP+wmb+ctrl+isb',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = y; if (r0 == 1) { isb(); r1 = x; } }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    // A condition inside an atomic block is not a condition step: it does not raise vCAP, so
    // the isb() orders nothing. Sx, W, Sy, Cx, Cy, r0 = y, the block, isb, r1 = x: 9.
    [
      'MP+wmb+ctrl in atomic+isb',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var t: 0..1; var r1: 0..1; r0 = y; atomic { if (r0 == 1) { t = 1; } } isb(); r1 = x; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      9,
    ],
    [
      'MP+wmb+await+isb',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; smp_wmb(); y = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; await y == 1; r0 = 1; isb(); r1 = x; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    [
      'MP+release+acquire',
      `shared x: 0..1; shared y: 0..1;
       process p0 { x = 1; smp_store_release(y, 1); }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = smp_load_acquire(y); r1 = x; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    [
      'SB+mbs',
      `shared x: 0..1; shared y: 0..1;
       process p0 { var r0: 0..1; x = 1; smp_mb(); r0 = y; }
       process p1 { var r1: 0..1; y = 1; smp_mb(); r1 = x; }
       invariant o: !(done(p0) && done(p1) && p0.r0 == 0 && p1.r1 == 0);`,
      'pass',
    ],
    // Only one smp_mb is not enough.
    [
      'SB+mb on one side',
      `shared x: 0..1; shared y: 0..1;
       process p0 { var r0: 0..1; x = 1; smp_mb(); r0 = y; }
       process p1 { var r1: 0..1; y = 1; r1 = x; }
       invariant o: !(done(p0) && done(p1) && p0.r0 == 0 && p1.r1 == 0);`,
      6,
    ],
    // Ordered atomic blocks are fully ordered: reading in one waits for the own commit.
    [
      'SB+atomic loads',
      `shared x: 0..1; shared y: 0..1;
       process p0 { var r0: 0..1; x = 1; atomic { r0 = y; } }
       process p1 { var r1: 0..1; y = 1; atomic { r1 = x; } }
       invariant o: !(done(p0) && done(p1) && p0.r0 == 0 && p1.r1 == 0);`,
      'pass',
    ],
    [
      'CoRR',
      `shared x: 0..1;
       process p0 { x = 1; }
       process p1 { var r0: 0..1; var r1: 0..1; r0 = x; r1 = x; }
       invariant o: !(done(p0) && done(p1) && p1.r0 == 1 && p1.r1 == 0);`,
      'pass',
    ],
    [
      'CoWW',
      `shared x: 0..2;
       process p0 { x = 1; x = 2; smp_mb(); }
       invariant o: !(done(p0) && x == 1);`,
      'pass',
    ],
    // LB is allowed by Armv8 but needs a store to reach memory before a load that precedes it
    // in program order (a promise). The model has no promises (a documented gap): pass.
    [
      'LB (gap: no promises)',
      `shared x: 0..1; shared y: 0..1;
       process p0 { var r0: 0..1; r0 = x; y = 1; }
       process p1 { var r1: 0..1; r1 = y; x = 1; }
       invariant o: !(done(p0) && done(p1) && p0.r0 == 1 && p1.r1 == 1);`,
      'pass',
    ],
  ];

  for (const [name, src, expected] of cases) {
    it(`${name}: ${expected === 'pass' ? 'pass' : `violation at depth ${expected}`}`, () => {
      expect(run(src).verdict, 'sc').toBe('pass');
      const r = arm(src);
      if (expected === 'pass') expect(r.verdict).toBe('pass');
      else expect(violation(r)).toEqual({ kind: 'invariant', property: 'o', depth: expected });
    });
  }
});

describe('arm: options and random models', () => {
  it('bad options are errors', () => {
    expect(() => arm('process p { skip; }', { storeBuffer: 0 })).toThrow(/store buffer/);
  });

  it('seeds 1..300 explore under arm with K = 1 (a few capped at 5,000 states)', () => {
    // Every sc run embeds into an arm run (commit right after each store, every load reads
    // the current message, every fence taken at once), and random models put labels only on
    // plain steps, so: an sc violation other than a deadlock implies an arm violation (an sc
    // deadlock may be escaped by a stale read), and when both pass arm has at least sc's
    // states.
    const capped: number[] = [];
    const kinds = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const m = model(randomModel(seed));
      const deadlock = seed % 2 === 1;
      let r: NaiveResult;
      try {
        r = naiveExplore(m, { memory: 'arm', storeBuffer: 1, deadlock, maxStates: 5_000 });
      } catch (e) {
        if (!String(e).includes('more than 5000 states')) throw new Error(`seed ${seed}: ${String(e)}`);
        capped.push(seed);
        continue;
      }
      const sc = naiveExplore(m, { deadlock, maxStates: 50_000 });
      if (sc.verdict === 'violation' && sc.violation!.kind !== 'deadlock') expect(r.verdict, `seed ${seed}`).toBe('violation');
      else if (sc.verdict === 'pass' && r.verdict === 'pass') expect(r.states, `seed ${seed}`).toBeGreaterThanOrEqual(sc.states);
      const k = r.verdict === 'pass' ? 'pass' : r.violation!.kind;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    expect(capped.length).toBeLessThanOrEqual(60); // 50 with the rules of this commit
    for (const k of ['pass', 'invariant', 'assert', 'deadlock', 'range', 'division']) expect(kinds.get(k) ?? 0).toBeGreaterThan(0);
  }, 600_000);
});
