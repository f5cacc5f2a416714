// Small random models for differential liveness testing: a few processes (ordinary, background,
// fair background) that loop, wait on shared variables, take locks, stop or spin, and random
// temporal properties over what they do. Seeded, so a failing seed can be replayed.
import { rng } from '../../src/explore/simulate.ts';

export function randomLivenessModel(seed: number): string {
  const next = rng(seed * 7919 + 17);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const vars = ['a', 'b', 'c'];
  const lines = ['model live;', 'shared a: 0..2;', 'shared b: 0..2;', 'shared c: bool;'];
  const procs: { name: string; count: number; labels: string[] }[] = [];
  const nProcs = 2 + int(2);
  for (let p = 0; p < nProcs; p++) {
    const name = `p${p}`;
    const count = int(3) === 0 ? 2 : 1;
    const kind = pick(['', '', '', 'background ', 'fair background ']);
    const head = count === 2 ? `${kind}process ${name}(i: 0..1)` : `${kind}process ${name}`;
    const labels: string[] = [];
    const stmt = (depth: number): string => {
      const v = pick(['a', 'b']);
      const k = int(3);
      switch (int(depth > 1 ? 6 : 9)) {
        case 0:
          return `${v} = ${k};`;
        case 1:
          return `${v} = (${v} + 1) % 3;`;
        case 2:
          return `await ${v} == ${k};`;
        case 3:
          return `c = !c;`;
        case 4:
          return `atomic { await !c; c = true; }`;
        case 5:
          return 'skip;';
        case 6:
          return `if (${v} == ${k}) { ${stmt(depth + 1)} } else { ${stmt(depth + 1)} }`;
        case 7:
          return `either { ${stmt(depth + 1)} } or { ${stmt(depth + 1)} }`;
        default: {
          const l = `L${labels.length}`;
          labels.push(l);
          return `${l}: ${stmt(depth + 1)}`;
        }
      }
    };
    const body: string[] = [];
    for (let s = 0; s < 1 + int(3); s++) body.push(stmt(0));
    const looped = int(3) !== 0;
    lines.push(`${head} {`, looped ? `  loop { ${body.join(' ')} }` : `  ${body.join(' ')}`, '}');
    procs.push({ name, count, labels });
  }
  const atom = (): string => {
    const p = pick(procs);
    const inst = p.count === 2 ? `${p.name}[${int(2)}]` : p.name;
    switch (int(5)) {
      case 0:
        return `${pick(vars.slice(0, 2))} == ${int(3)}`;
      case 1:
        return pick(['c', '!c']);
      case 2:
        return p.labels.length ? `${inst}@${pick(p.labels)}` : `done(${inst})`;
      case 3:
        return `done(${inst})`;
      default:
        return `${pick(vars.slice(0, 2))} != ${int(3)}`;
    }
  };
  const expr = () => (int(3) === 0 ? `${atom()} || ${atom()}` : atom());
  for (let k = 0; k < 1 + int(3); k++) lines.push(int(2) ? `property q${k}: eventually ${expr()};` : `property q${k}: ${expr()} ~> ${expr()};`);
  return `${lines.join('\n')}\n`;
}
