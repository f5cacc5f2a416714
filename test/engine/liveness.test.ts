// The engine's liveness verdicts on small models whose answers were derived by hand (the
// derivations are next to the same models in test/reference/naive-liveness.test.ts): the
// verdict, the violated property and the stem's length, through the same path `check` takes.
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import { compile, instantiate } from '../../src/compile/system.ts';
import { explore } from '../../src/explore/bfs.ts';
import { checkProperties } from '../../src/explore/liveness.ts';
import { replay } from '../../src/explore/replay.ts';

async function live(body: string, opts: { memory?: 'sc' | 'tso' | 'arm'; deadlock?: boolean; properties?: string[] } = {}) {
  const r = checkFile('/virtual/t.mmu', {}, () => `model t;\n${body}`);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const system = compile(r.model, { memory: opts.memory, properties: opts.properties }).system!;
  const kernel = instantiate(system);
  let result = await explore(system, kernel, { deadlock: opts.deadlock, graph: true });
  if (result.verdict === 'pass') result = checkProperties(system, result);
  const v = result.violation;
  if (v) replay(system, kernel, v); // throws unless the lasso re-checks
  return {
    verdict: result.verdict,
    kind: v?.kind ?? null,
    property: v?.property ?? null,
    depth: v?.depth ?? null,
    cycle: v?.cycle?.length ?? null,
    states: result.states,
  };
}

const holds = { verdict: 'pass', property: null, depth: null };
const broken = (property: string, depth: number) => ({ verdict: 'violation', kind: 'liveness', property, depth });

describe('liveness on hand-derived cases', () => {
  it('a self-loop that never reaches Q', async () => {
    expect(await live('shared x: 0..2; process p { x = 1; loop { skip; } } property two: eventually x == 2;')).toMatchObject(broken('two', 1));
  });

  it('a process enabled all along a cycle that never moves: the cycle is unfair, no violation', async () => {
    expect(await live('shared x: 0..1; process spin { loop { skip; } } process setter { x = 1; } property set: eventually x == 1;')).toMatchObject(holds);
  });

  it('an intermittently enabled process is not protected by weak fairness', async () => {
    const r = await live(`shared flag: bool; shared got: bool;
      process toggler { loop { flag = true; flag = false; } }
      process waiter { await flag; got = true; }
      property served: eventually got;`);
    expect(r).toMatchObject({ ...broken('served', 0), states: 6 });
  });

  it('a terminal state without Q: a lasso whose cycle has length 0', async () => {
    expect(await live('shared x: 0..2; process p { x = 1; } property two: eventually x == 2;')).toMatchObject({ ...broken('two', 1), cycle: 0 });
  });

  const deep = (kind: string) => `shared x: 0..6; shared ack: bool;
      process p { x = 1; x = 2; x = 3; x = 4; x = 5; x = 6; }
      process spin { loop { skip; } }
      ${kind} process q { await x == 6; ack = true; }
      property acked: x == 6 ~> ack;`;

  it('a ~> violated only deep in the run (an unfair background acknowledger)', async () => {
    expect(await live(deep('background'))).toMatchObject({ ...broken('acked', 6), states: 9 });
  });

  it('the same acknowledger declared fair background: holds', async () => {
    expect(await live(deep('fair background'))).toMatchObject(holds);
  });

  it('an unfair background process versus a fair one', async () => {
    const helper = (kind: string) =>
      `shared seen: bool; process spin { loop { skip; } } ${kind} process helper { seen = true; } property helped: eventually seen;`;
    expect(await live(helper('background'))).toMatchObject(broken('helped', 0));
    expect(await live(helper('fair background'))).toMatchObject(holds);
  });

  it('before the P state the run may pass through Q states', async () => {
    expect(await live('shared x: 0..3; process p { x = 1; x = 2; x = 3; loop { skip; } } property back: x == 2 ~> x == 1;')).toMatchObject(broken('back', 3));
  });

  it('the first violated property in declaration order; --property filters', async () => {
    const body = `shared x: 0..3;
      process p { either { x = 3; } or { x = 1; x = 2; } }
      property deep: eventually x == 3;
      property shallow: eventually x == 2;
      property ends: eventually done(p);`;
    expect(await live(body)).toMatchObject({ ...broken('deep', 2), cycle: 0, states: 4 });
    expect(await live(body, { properties: ['shallow'] })).toMatchObject(broken('shallow', 1));
    expect(await live(body, { properties: ['ends'] })).toMatchObject(holds);
  });

  it('safety first; without the deadlock check a deadlocked state stutters', async () => {
    const src = 'shared x: 0..1; process p { await x == 1; } property ends: eventually done(p);';
    expect(await live(src)).toMatchObject({ verdict: 'violation', kind: 'deadlock', depth: 0 });
    expect(await live(src, { deadlock: false })).toMatchObject({ ...broken('ends', 0), cycle: 0 });
  });

  const spinner = `shared x: 0..1;
      process w { x = 1; }
      process r { loop { if (x == 1) { break; } } }
      property sees: eventually done(r);`;

  it('tso: drains are a fair unit, so a buffered store is eventually seen', async () => {
    expect(await live(spinner, { memory: 'tso' })).toMatchObject({ ...holds, states: 4 });
  });

  it('arm: a spin on a plain load may read the older message for ever (a documented gap)', async () => {
    expect(await live(spinner, { memory: 'arm' })).toMatchObject(broken('sees', 2));
  });

  it('a test-and-set waiter can starve; a ticket-lock waiter cannot', async () => {
    const tas = `shared locked: bool;
      process p(i: 0..1) { loop { want: atomic { await !locked; locked = true; } crit: locked = false; } }
      property p1_served: p[1]@want ~> p[1]@crit;`;
    expect(await live(tas)).toMatchObject({ ...broken('p1_served', 0), states: 3 });
    const ticket = `shared next: 0..1; shared owner: 0..1;
      process p(i: 0..1) {
        var t: 0..1;
        loop { want: atomic { t = next; next = (next + 1) % 2; } wait: await owner == t; crit: atomic { owner = (owner + 1) % 2; t = 0; } }
      }
      property p1_served: p[1]@want ~> p[1]@crit;`;
    expect(await live(ticket)).toMatchObject(holds);
  });
});
