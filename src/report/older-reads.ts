// Under a memory model where a load may read an older value (arm): which locations a step
// read that way. Every rendering of a trace says so (the table, the text, the page).
import * as I from '../check/ir.ts';
import type { Env } from '../compile/automaton.ts';
import type { ActionInfo, TransitionSystem } from '../compile/system.ts';

/** A location a step read an older value of, and the newest value memory holds. */
export interface OlderRead {
  readonly location: string;
  readonly newest: string;
}

/**
 * Under a memory model where a load may read an older value (arm): which locations the step
 * read that way, said in words. The locations a statement loads come from its syntax (an
 * index the step cannot fix at compile time counts every element); the memory model says
 * whether the load of each was older than memory's newest value.
 */
export function olderReads(system: TransitionSystem, action: ActionInfo, before: Int32Array, after: Int32Array): OlderRead[] {
  const older = system.memory.olderRead;
  if (!older || action.memory) return [];
  const inst = system.layout.instances[action.instance];
  const edge = system.automata[action.instance].nodes.flatMap((n) => n.edges).find((e) => (action.stmt ? e.stmt === action.stmt : e.stmt.span === action.span));
  if (!edge || edge.kind === 'atomic') return [];
  const loaded: I.Expr[] = [];
  const s = edge.stmt;
  switch (s.kind) {
    case 'assign':
      loaded.push(s.value, ...indexesOf(s.target));
      break;
    case 'any':
      loaded.push(...indexesOf(s.target));
      break;
    case 'op':
      loaded.push(...s.args, ...indexesOf(s.location));
      if (s.op === 'smp_load_acquire') loaded.push(s.location);
      break;
    case 'await':
    case 'assert':
    case 'if':
    case 'while':
      loaded.push(s.cond);
      break;
    default:
      break;
  }
  const patterns = new Set<string>();
  const locals = system.model.processes[inst.process].locals;
  const scope: IndexScope = {
    env: edge.env,
    param: inst.param,
    local: (l) => (I.isScalar(locals[l].type) ? before[inst.localSlots[l]] : undefined),
  };
  for (const e of loaded) sharedLocations(system.model, e, scope, patterns);
  const notes: OlderRead[] = [];
  for (const pattern of patterns) {
    const re = slotPattern(pattern);
    system.layout.slotNames.forEach((sn, slot) => {
      if (sn.owner !== null || sn.type === null || !re.test(sn.name)) return;
      if (older.call(system.memory, action.instance, slot, before, after)) notes.push({ location: sn.name, newest: I.showValue(sn.type, after[slot]) });
    });
  }
  return notes;
}

/** The index expressions inside a location expression (a store reads them, not the location). */
function indexesOf(e: I.Expr): I.Expr[] {
  if (e.kind === 'index') return [...indexesOf(e.base), e.index];
  if (e.kind === 'field') return indexesOf(e.base);
  return [];
}

/** Where an index's value comes from: the instance's parameter, `for` variables, and its own locals before the step. */
interface IndexScope {
  readonly env: Env;
  readonly param: number | undefined;
  readonly local: (local: number) => number | undefined;
}

/** The value of an index when the step's own scope fixes it (no shared location in it). */
function fixedValue(e: I.Expr, scope: IndexScope): number | undefined {
  const { env, param } = scope;
  switch (e.kind) {
    case 'local':
      return scope.local(e.local);
    case 'lit':
      return typeof e.value === 'number' ? e.value : undefined;
    case 'param':
      return param;
    case 'bound':
      return env[e.slot];
    case 'unary': {
      const a = fixedValue(e.arg, scope);
      return a === undefined || e.op !== '-' ? undefined : -a;
    }
    case 'binary': {
      const l = fixedValue(e.left, scope);
      const r = fixedValue(e.right, scope);
      if (l === undefined || r === undefined) return undefined;
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Adds to `out` the shared (not ghost) locations an expression reads, as slot-name patterns:
 * `x`, `x[1]`, `x[*].f` (`[*]`: any element).
 */
function sharedLocations(model: I.CheckedModel, e: I.Expr, scope: IndexScope, out: Set<string>): void {
  const walk = (x: I.Expr) => sharedLocations(model, x, scope, out);
  const location = (x: I.Expr): string | undefined => {
    if (x.kind === 'global') return model.globals[x.global].ghost ? undefined : model.globals[x.global].name;
    if (x.kind === 'index') {
      const base = location(x.base);
      if (base === undefined) return undefined;
      const t = x.base.type;
      const k = fixedValue(x.index, scope);
      return t.kind === 'array' && k !== undefined ? `${base}[${I.showValue(t.index, k)}]` : `${base}[*]`;
    }
    if (x.kind === 'field') {
      const base = location(x.base);
      const t = x.base.type;
      return base === undefined || t.kind !== 'struct' ? undefined : `${base}.${t.fields[x.field].name}`;
    }
    return undefined;
  };
  switch (e.kind) {
    case 'global':
    case 'index':
    case 'field': {
      const loc = location(e);
      if (loc !== undefined) out.add(loc);
      for (const i of indexesOf(e)) walk(i);
      if (loc === undefined && e.kind !== 'global') walk(e.base);
      return;
    }
    case 'unary':
      return walk(e.arg);
    case 'binary':
      walk(e.left);
      return walk(e.right);
    case 'cond':
      walk(e.test);
      walk(e.then);
      return walk(e.else);
    case 'quant':
      return walk(e.body);
    default:
      return;
  }
}

/** A slot-name pattern as a regular expression: `[*]` is any one index, and the scalars inside match too. */
function slotPattern(pattern: string): RegExp {
  const literal = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${pattern.split('[*]').map(literal).join('\\[[^\\]]*\\]')}(?:[.[].*)?$`);
}
