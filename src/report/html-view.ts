// The data of a counterexample page, from the trace document the other formats write: its
// values, steps and violation, labelled with what the compiled system knows about them
// (which locations are shared or ghost, which slots belong to which instance, where a
// program counter stands, what a store buffer holds). Nothing is replayed here: the states
// are the trace's own.
import type { TransitionSystem } from '../compile/system.ts';
import type { Trace } from '../explore/replay.ts';
import type { HtmlGroup, HtmlLane, HtmlRow, HtmlStep, HtmlTrace } from './html-data.ts';
import { olderReads } from './older-reads.ts';
import { pcLabel, stepParts } from './step-label.ts';
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
      out[`${inst.name}.pc`] = pcLabel(system, i, Number(values[`${inst.name}.pc`]));
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
    const label = stepParts(system, trace.steps[k].action);
    return {
      index: s.index,
      lane: action.memory ? lanes.length - 1 : layout.instances.findIndex((inst) => inst.name === s.process),
      process: s.process,
      text: label.text,
      where: label.line.includes(':') ? label.line : `${system.model.mainFile.path.split('/').pop()}:${label.line}`,
      line: /:/.test(label.line) ? label.line : `line ${label.line}`,
      failing: s.failing,
      changes,
      notes: s.failing
        ? [`✗ ${doc.violation.message}`]
        : olderReads(system, action, k ? trace.steps[k - 1].state! : trace.initial, after!).map(
            (r) => `read an older value of ${r.location}: memory holds ${r.newest}, a store ${s.process} does not see yet`,
          ),
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
