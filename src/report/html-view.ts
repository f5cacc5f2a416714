// The data of a counterexample page, from the trace document the other formats write: its
// values, steps and violation, labelled with what the compiled system knows about them
// (which locations are shared or ghost, which slots belong to which instance, where a
// program counter stands, what a store buffer holds). Nothing is replayed here: the states
// are the trace's own.
import * as I from '../check/ir.ts';
import type { Env } from '../compile/automaton.ts';
import type { ActionInfo, TransitionSystem } from '../compile/system.ts';
import type { Trace } from '../explore/replay.ts';
import { lineCol } from '../parse/source.ts';
import type { HtmlGroup, HtmlLane, HtmlRow, HtmlStep, HtmlTrace } from './html-data.ts';
import type { TraceDocument } from './trace-document.ts';

/** The key under which an instance's store buffer is shown (not a slot: the buffer as text). */
export const bufferKey = (instance: string) => `${instance}.buffer`;

export function htmlTrace(system: TransitionSystem, trace: Trace, doc: TraceDocument): HtmlTrace {
  const { layout } = system;
  const buffered = layout.instances.some((_, i) => system.memory.buffer(i) !== null);
  const lanes: HtmlLane[] = layout.instances.map((inst) => ({ name: inst.name, kind: 'process' }));
  if (buffered) lanes.push({ name: `memory (${system.memory.environmentName})`, kind: 'memory' });

  const display = (values: TraceDocument['initial'], state: Int32Array): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(values)) out[key] = String(v);
    layout.instances.forEach((inst, i) => {
      out[`${inst.name}.pc`] = pcText(system, i, Number(values[`${inst.name}.pc`]));
      const buffer = system.memory.buffer(i);
      if (buffer) out[bufferKey(inst.name)] = `[${buffer.text(state)}]`;
    });
    return out;
  };

  const initial = display(doc.initial, trace.initial);
  let prev = initial;
  const steps = doc.steps.map((s, k): HtmlStep => {
    const action = system.actions[trace.steps[k].action];
    const after = trace.steps[k].state;
    const changes: Record<string, string> = {};
    if (s.state && after) {
      const now = display(s.state, after);
      for (const [key, v] of Object.entries(now)) if (prev[key] !== v) changes[key] = v;
      prev = now;
    }
    const outcome = s.outcome ? ` [${s.outcome}]` : '';
    return {
      index: s.index,
      lane: action.memory ? lanes.length - 1 : layout.instances.findIndex((inst) => inst.name === s.process),
      process: s.process,
      text: `${s.action.replace(/\s*\{$/, outcome ? '' : ' {…}')}${outcome}`,
      where: `${s.file.split('/').pop()}:${s.line}`,
      line: s.file === doc.model.file ? `line ${s.line}` : `${s.file.split('/').pop()}:${s.line}`,
      failing: s.failing,
      changes,
      notes: s.failing ? [`✗ ${doc.violation.message}`] : olderReads(system, action, k ? trace.steps[k - 1].state! : trace.initial, after!),
    };
  });

  const v = doc.violation;
  return {
    title: `${doc.model.name}: ${describe(v.kind, v.property)} violated`,
    subtitle: subtitle(doc),
    version: doc.version,
    violation: {
      kind: v.kind,
      property: v.property,
      headline: headline(system, doc),
      message: v.message,
      ...(v.cycle !== undefined ? { cycle: { start: v.depth, units: v.cycleUnits ?? [] } } : {}),
      ...(v.pAt !== undefined ? { pAt: v.pAt } : {}),
    },
    lanes,
    groups: groups(system, Object.keys(doc.initial)),
    initial,
    steps,
  };
}

/** Where a program counter stands: the line of the next statement, or `done`. */
function pcText(system: TransitionSystem, instance: number, pc: number): string {
  const automaton = system.automata[instance];
  if (pc === automaton.terminal) return 'done';
  const node = automaton.nodes[pc];
  const edge = node?.edges[0];
  if (!edge) return `pc ${pc}`;
  const line = lineCol(edge.stmt.span.file, edge.stmt.span.start).line;
  const labels = node.labels.length ? ` @${node.labels.join(' @')}` : '';
  return `line ${line}${labels}`;
}

function describe(kind: string, property: string): string {
  switch (kind) {
    case 'invariant':
      return `invariant ${property}`;
    case 'assert':
      return `assert "${property}"`;
    case 'liveness':
      return `property ${property} (liveness)`;
    case 'deadlock':
      return 'deadlock freedom';
    default:
      return `${kind} check`;
  }
}

function subtitle(doc: TraceDocument): string {
  const consts = Object.entries(doc.constants)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const memory = doc.storeBuffer !== undefined ? `memory ${doc.memory} (store buffers of ${doc.storeBuffer})` : `memory ${doc.memory}`;
  const origin =
    doc.origin.command === 'simulate'
      ? `found by simulate (seed ${doc.origin.seed ?? '?'}, run ${(doc.origin.run ?? 0) + 1}): not necessarily the shortest`
      : 'found by check: a shortest counterexample';
  return `${doc.model.file}${consts ? ` (${consts})` : ''}, ${memory}; ${origin}`;
}

function sourceOf(span: { file: { text: string }; start: number; end: number }): string {
  return span.file.text.slice(span.start, span.end);
}

function headline(system: TransitionSystem, doc: TraceDocument): string {
  const v = doc.violation;
  const n = doc.steps.length;
  switch (v.kind) {
    case 'invariant': {
      const inv = system.model.invariants.find((i) => i.name === v.property);
      return `invariant ${v.property}${inv ? ` (${sourceOf(inv.expr.span)})` : ''} is false after step ${n}`;
    }
    case 'liveness': {
      const p = system.properties.find((x) => x.name === v.property);
      const text = p
        ? ` (${sourceOf(p.span)
            .replace(/^property\s+\w+\s*:\s*/, '')
            .replace(/;\s*$/, '')})`
        : '';
      const how = v.cycle ? `steps ${v.depth + 1}-${n} repeat for ever (a fair cycle)` : `no step is enabled after step ${v.depth}`;
      return `property ${v.property}${text}: ${how}, and it is never satisfied`;
    }
    case 'deadlock':
      return `deadlock after step ${n}: no step is enabled`;
    case 'assert':
      return `assert "${v.property}" fails at step ${n}`;
    default:
      return `${v.message} (step ${n})`;
  }
}

/** The boxes of the state panel, and which keys of the states go in each. */
function groups(system: TransitionSystem, keys: readonly string[]): HtmlGroup[] {
  const { layout, model } = system;
  const shared: HtmlRow[] = [];
  const ghost: HtmlRow[] = [];
  const bookkeeping: HtmlRow[] = [];
  const own: HtmlRow[][] = layout.instances.map(() => []);
  const known = new Set(keys);
  const ghostOf = (name: string) =>
    model.globals.find((g) => name === g.name || name.startsWith(`${g.name}[`) || name.startsWith(`${g.name}.`))?.ghost ?? false;
  layout.slotNames.forEach((s, slot) => {
    if (!known.has(s.name)) return;
    const row = { key: s.name, label: s.name };
    if (s.owner === null) {
      if (s.type === null) bookkeeping.push(row);
      else (ghostOf(s.name) ? ghost : shared).push(row);
      return;
    }
    const inst = layout.instances[s.owner];
    const short = { key: s.name, label: s.name.slice(inst.name.length + 1) };
    if (slot === inst.pcSlot || s.type !== null) own[s.owner].push(short);
    else bookkeeping.push(row);
  });
  const buffers: HtmlRow[] = [];
  layout.instances.forEach((inst, i) => {
    if (system.memory.buffer(i)) buffers.push({ key: bufferKey(inst.name), label: inst.name });
  });
  const out: HtmlGroup[] = [{ title: 'shared memory', kind: 'shared', rows: shared }];
  if (ghost.length) out.push({ title: 'ghost state', kind: 'ghost', rows: ghost });
  if (buffers.length) out.push({ title: 'store buffers (pending stores, oldest first)', kind: 'buffers', rows: buffers });
  layout.instances.forEach((inst, i) => out.push({ title: inst.name, kind: 'instance', rows: own[i] }));
  if (bookkeeping.length) out.push({ title: `${system.memory.spec.name} bookkeeping (timestamps, views)`, kind: 'bookkeeping', rows: bookkeeping });
  return out;
}

/**
 * Under a memory model where a load may read an older value (arm): which locations the step
 * read that way, said in words. The locations a statement loads come from its syntax (an
 * index the step cannot fix at compile time counts every element); the memory model says
 * whether the load of each was older than memory's newest value.
 */
function olderReads(system: TransitionSystem, action: ActionInfo, before: Int32Array, after: Int32Array): string[] {
  const older = system.memory.olderRead;
  if (!older || action.memory) return [];
  const inst = system.layout.instances[action.instance];
  const edge = system.automata[action.instance].nodes.flatMap((n) => n.edges).find((e) => e.stmt.span === action.span);
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
  const notes: string[] = [];
  for (const pattern of patterns) {
    const re = slotPattern(pattern);
    system.layout.slotNames.forEach((sn, slot) => {
      if (sn.owner !== null || sn.type === null || !re.test(sn.name)) return;
      if (older.call(system.memory, action.instance, slot, before, after))
        notes.push(`read an older value of ${sn.name}: memory holds ${I.showValue(sn.type, after[slot])}, a store ${inst.name} does not see yet`);
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
