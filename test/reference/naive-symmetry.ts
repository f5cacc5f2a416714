// A brute-force orbit count for models with symmetric types (docs/language.md, "Symmetry"),
// independent of the engine: the naive explorer searches every reachable state with the
// symmetric types read as plain ranges, then every renaming is applied to every state found
// and one canonical member (the smallest key) is kept per orbit.
//
// A renaming is one permutation per symmetric type of its values (several types are renamed
// independently). On a state in the naive explorer's representation (naive.ts, header) it acts
// on:
//  - every stored scalar of a symmetric type: v becomes lo + p[v - lo], in globals, in locals,
//    in store-buffer entries whose slot is of the type, and under arm in the older messages of
//    such a slot (its current message is the value in `g`);
//  - every array indexed by a symmetric type, at any depth of a global or a local: the element
//    at position j moves to position p[j] (and is itself renamed);
//  - the instances of a process whose parameter is of a symmetric type: instance v moves to
//    p(v) with its position, locals, store buffer and (arm) views;
//  - the paths of store-buffer entries ([global, element positions...]): an array position under
//    an index of a symmetric type is renamed like the element it names;
//  - under arm, the per-slot structures of memory (`m`: current timestamp and older messages per
//    shared scalar slot) and of every instance (`coh`) move with their slots, and the views of
//    locals (one per scalar, in the local's shape) move with the elements they belong to.
//    Timestamps and views are not values of any type and are left as they are.
// Positions are left as they are: instances of one process share their code, and a `for` over
// a symmetric type, whose variable would sit in a position, is allowed only inside atomic blocks.
import * as I from '../../src/check/ir.ts';
import { naiveExploreStates, naiveStepper, type NaiveOptions, type NaiveResult } from './naive.ts';

export interface NaiveOrbits {
  /** Reachable states of the full search (the version 1 count of the model). */
  states: number;
  /** Orbits of those states under every renaming. */
  orbits: number;
  maxDepth: number;
  verdict: NaiveResult['verdict'];
  violation: NaiveResult['violation'];
  /** The full search's own result. */
  safety: NaiveResult;
}

/** A renaming: per symmetric type, the new position of each value's position. */
export type Renaming = ReadonlyMap<string, readonly number[]>;

/** The representation of naive.ts (its header): the parts a renaming moves or changes. */
interface Entry {
  path: number[];
  value: number;
}
interface Thread {
  coh: number[];
  lv: unknown[];
}
type Inst = [unknown, I.Value[], Entry[], Thread?];

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) for (let at = 0; at <= rest.length; at++) out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  return out;
}

/** Every renaming of the model: the product over its symmetric types of all permutations. */
export function allRenamings(model: I.CheckedModel): Renaming[] {
  let out: Map<string, number[]>[] = [new Map()];
  for (const t of model.symmetricTypes) {
    const perms = permutations(t.hi - t.lo + 1);
    out = out.flatMap((r) => perms.map((p) => new Map([...r, [t.name, p]])));
  }
  return out;
}

/** The renaming's permutation of a scalar type's positions (undefined: not renamed). */
function permOf(t: I.ScalarType, r: Renaming): readonly number[] | undefined {
  return t.kind === 'int' && t.symmetric !== undefined ? r.get(t.symmetric) : undefined;
}

function renameScalar(t: I.ScalarType, v: number, r: Renaming): number {
  const p = permOf(t, r);
  if (!p || t.kind !== 'int') return v;
  const j = v - t.lo;
  if (!(j >= 0 && j < p.length)) throw new Error(`value ${v} outside ${I.showType(t)}`);
  return t.lo + p[j];
}

/**
 * A value of type t renamed: scalars by `scalar`, arrays indexed by a symmetric type permuted.
 * With `scalar` the identity it moves the elements of a same-shaped tree (arm views) only.
 */
function renameTree<T>(t: I.Type, v: T, r: Renaming, scalar: (t: I.ScalarType, v: T) => T): T {
  if (I.isScalar(t)) return scalar(t, v);
  const xs = v as unknown as T[];
  if (t.kind === 'struct') return t.fields.map((f, i) => renameTree(f.type, xs[i], r, scalar)) as unknown as T;
  const elems = xs.map((x) => renameTree(t.elem, x, r, scalar));
  const p = permOf(t.index, r);
  if (!p) return elems as unknown as T;
  const out: T[] = new Array(elems.length);
  elems.forEach((x, j) => {
    out[p[j]] = x;
  });
  return out as unknown as T;
}

const renameValue = (t: I.Type, v: I.Value, r: Renaming): I.Value => renameTree<I.Value>(t, v, r, (st, x) => renameScalar(st, x as number, r));

/** Element positions below type t renamed, and the scalar type they lead to. */
function renamePath(t: I.Type, path: readonly number[], r: Renaming): { path: number[]; type: I.ScalarType } {
  const out: number[] = [];
  let x = t;
  for (const pos of path) {
    if (x.kind === 'array') {
      const p = permOf(x.index, r);
      out.push(p ? p[pos] : pos);
      x = x.elem;
    } else if (x.kind === 'struct') {
      out.push(pos);
      x = x.fields[pos].type;
    } else throw new Error('internal: a path below a scalar');
  }
  if (!I.isScalar(x)) throw new Error('internal: a path to a whole array or struct');
  return { path: out, type: x };
}

/** The element paths of every scalar of type t, in element order. */
function scalarPaths(t: I.Type, prefix: number[] = []): number[][] {
  if (I.isScalar(t)) return [prefix];
  if (t.kind === 'array') return I.typeValues(t.index).flatMap((_, j) => scalarPaths(t.elem, [...prefix, j]));
  return t.fields.flatMap((f, i) => scalarPaths(f.type, [...prefix, i]));
}

/** Applies renamings to state keys of one model under one memory model. */
export class Renamer {
  private readonly arm: boolean;
  /** Under arm: every scalar slot of a shared global ([global, positions...]), in naive.ts's order. */
  private readonly slots: number[][] = [];
  private readonly slotIndex = new Map<string, number>();
  /** Per instance (naive.ts's order): its process, and its parameter value or null. */
  private readonly instances: { proc: number; param: number | null }[] = [];
  private readonly instanceOf = new Map<string, number>();

  constructor(
    private readonly model: I.CheckedModel,
    memory: NaiveOptions['memory'] = 'sc',
  ) {
    this.arm = memory === 'arm';
    model.processes.forEach((p, pi) => {
      for (const v of p.param ? I.typeValues(p.param.type) : [null]) {
        this.instanceOf.set(`${pi}:${v}`, this.instances.length);
        this.instances.push({ proc: pi, param: v });
      }
    });
    model.globals.forEach((g, gi) => {
      if (g.ghost) return;
      for (const path of scalarPaths(g.type, [gi])) {
        this.slotIndex.set(path.join(','), this.slots.length);
        this.slots.push(path);
      }
    });
  }

  /** The key of the state renamed by r. */
  rename(key: string, r: Renaming): string {
    const x = JSON.parse(key) as unknown[];
    const [g, m, insts] = (this.arm ? x : [x[0], undefined, x[1]]) as [I.Value[], [number, [number, number][]][] | undefined, Inst[]];
    const globals = this.model.globals;
    const g2 = g.map((v, gi) => renameValue(globals[gi].type, v, r));
    // Shared scalar slots: where each one goes.
    const slotTo = this.slots.map((path) => {
      const to = [path[0], ...renamePath(globals[path[0]].type, path.slice(1), r).path];
      return this.slotIndex.get(to.join(','))!;
    });
    const entry = (e: Entry): Entry => {
      const gi = e.path[0];
      const rp = renamePath(globals[gi].type, e.path.slice(1), r);
      const out = { ...e }; // the same key order as the original
      out.path = [gi, ...rp.path];
      out.value = renameScalar(rp.type, e.value, r);
      return out;
    };
    const i2: Inst[] = new Array(insts.length);
    insts.forEach(([pos, locals, buf, th], k) => {
      const { proc, param } = this.instances[k];
      const def = this.model.processes[proc];
      const to = def.param && param !== null ? this.instanceOf.get(`${proc}:${renameScalar(def.param.type, param, r)}`)! : k;
      const locals2 = locals.map((v, li) => renameValue(def.locals[li].type, v, r));
      const inst: Inst = [pos, locals2, buf.map(entry)];
      if (th) {
        const th2 = { ...th };
        th2.coh = new Array(th.coh.length);
        th.coh.forEach((c, s) => {
          th2.coh[slotTo[s]] = c;
        });
        th2.lv = th.lv.map((v, li) => renameTree(def.locals[li].type, v, r, (_, x) => x));
        inst.push(th2);
      }
      i2[to] = inst;
    });
    if (!this.arm) return JSON.stringify([g2, i2]);
    const m2: [number, [number, number][]][] = new Array(m!.length);
    m!.forEach(([cur, older], s) => {
      const path = this.slots[s];
      const type = renamePath(globals[path[0]].type, path.slice(1), r).type;
      m2[slotTo[s]] = [cur, older.map(([v, ts]): [number, number] => [renameScalar(type, v, r), ts])];
    });
    return JSON.stringify([g2, m2, i2]);
  }

  /** The orbit's representative: the smallest key over every renaming. */
  canonical(key: string, renamings: readonly Renaming[]): string {
    let best: string | undefined;
    for (const r of renamings) {
      const k = this.rename(key, r);
      if (best === undefined || k < best) best = k;
    }
    return best!;
  }
}

/**
 * Searches every reachable state with the naive explorer, then counts the orbits of the
 * states found. The search itself is the full one, so the depth and the verdict are its own.
 */
export function naiveOrbits(model: I.CheckedModel, opts: NaiveOptions = {}): NaiveOrbits {
  const { result, states } = naiveExploreStates(model, opts);
  const renamer = new Renamer(model, opts.memory);
  const renamings = allRenamings(model);
  const orbits = new Set(states.map((s) => renamer.canonical(s, renamings)));
  return {
    states: result.states,
    orbits: orbits.size,
    maxDepth: result.maxDepth,
    verdict: result.verdict,
    violation: result.violation,
    safety: result,
  };
}

/**
 * Whether every step, invariant and deadlock check of the reachable states commutes with every
 * renaming: for each state s found and each renaming r, the successors of r(s) are r applied
 * to the successors of s (as sets; failing steps by kind), the same invariant fails, and both
 * or neither are deadlocks. Returns the first disagreement, or null. This is what the rules of
 * symmetric types must guarantee (docs/language.md, "Symmetry").
 */
export function naiveEquivariance(model: I.CheckedModel, opts: NaiveOptions = {}): string | null {
  const { states } = naiveExploreStates(model, opts);
  const stepper = naiveStepper(model, opts);
  const renamer = new Renamer(model, opts.memory);
  const renamings = allRenamings(model);
  const kindOf = (v: string): string => v.slice(0, v.indexOf(':'));
  const succ = (key: string, r?: Renaming): string[] =>
    [...new Set(stepper.successors(key).map((o) => ('state' in o ? (r ? renamer.rename(o.state, r) : o.state) : `violation ${kindOf(o.violation)}`)))].sort();
  for (const s of states) {
    const mine = stepper.broken(s);
    const dead = stepper.deadlocked(s);
    for (const r of renamings) {
      const rs = renamer.rename(s, r);
      const a = succ(s, r);
      const b = succ(rs);
      if (JSON.stringify(a) !== JSON.stringify(b)) return `successors differ under renaming ${JSON.stringify([...r])} of ${s}`;
      if ((stepper.broken(rs) === null) !== (mine === null)) return `invariants differ under renaming ${JSON.stringify([...r])} of ${s}`;
      if (stepper.deadlocked(rs) !== dead) return `deadlock differs under renaming ${JSON.stringify([...r])} of ${s}`;
    }
  }
  return null;
}
