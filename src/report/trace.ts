// Counterexamples as people read them: `table` gives each process instance a column, one
// step per row, with the statement as written, its line, and what the step changed; `text`
// lists each step with its full state diff.
import type { ChalkInstance } from 'chalk';
import * as I from '../check/ir.ts';
import type { TransitionSystem } from '../compile/system.ts';
import type { FoundViolation } from '../explore/bfs.ts';
import type { Trace } from '../explore/replay.ts';
import { olderReads } from './older-reads.ts';
import { pcLabel, stepLabel } from './step-label.ts';

export type TraceFormat = 'table' | 'text';

/** The value of every slot except program counters, as `name=value` strings. */
function slotValue(system: TransitionSystem, state: Int32Array, slot: number): string {
  const s = system.layout.slotNames[slot];
  return s.type ? I.showValue(s.type, state[slot]) : String(state[slot]);
}

interface Change {
  readonly name: string; // full name, e.g. fault[0].old
  readonly short: string; // name without the owner's prefix
  readonly owner: number | null;
  readonly value: string;
}

function changes(system: TransitionSystem, before: Int32Array, after: Int32Array): Change[] {
  const out: Change[] = [];
  system.layout.slotNames.forEach((s, slot) => {
    if (!s.type || before[slot] === after[slot]) return;
    const owner = s.owner;
    const prefix = owner === null ? '' : `${system.layout.instances[owner].name}.`;
    out.push({ name: s.name, short: s.name.slice(prefix.length), owner, value: slotValue(system, after, slot) });
  });
  // Under a memory model with buffers: an instance's buffer, oldest entry first, whenever it changed.
  system.layout.instances.forEach((inst, i) => {
    const buffer = system.memory.buffer(i);
    if (buffer?.slots.some((slot) => before[slot] !== after[slot]))
      out.push({ name: `${inst.name}.buffer`, short: 'buffer', owner: i, value: `[${buffer.text(after)}]` });
  });
  return out;
}

export function describeProperty(v: FoundViolation): string {
  switch (v.kind) {
    case 'invariant':
      return `invariant ${v.property}`;
    case 'assert':
      return `assert "${v.property}"`;
    case 'deadlock':
      return 'deadlock';
    case 'liveness':
      return `property ${v.property} (liveness)`;
    default:
      return `${v.kind} violation`;
  }
}

/** `s` in at most `n` columns, cut with `…`; the branch a condition took (` [true]`) is kept. */
function clip(s: string, n: number): string {
  if (s.length <= n) return s;
  const branch = / \[(?:true|false)\]$/.exec(s)?.[0] ?? '';
  const keep = n - 1 - branch.length;
  return keep >= 8 ? s.slice(0, keep) + '…' + branch : s.slice(0, Math.max(0, n - 1)) + '…';
}

/** The width a table is fitted to when none is given (output that is not a terminal). */
export const DEFAULT_TABLE_WIDTH = 100;

/**
 * `width`: the columns the table must fit (table only; default DEFAULT_TABLE_WIDTH). Cells
 * that do not fit are cut with `…`.
 */
export function formatTrace(
  system: TransitionSystem,
  trace: Trace,
  violation: FoundViolation,
  format: TraceFormat,
  color: ChalkInstance,
  width = DEFAULT_TABLE_WIDTH,
): string {
  return format === 'table' ? table(system, trace, violation, color, width) : text(system, trace, violation, color);
}

/** What a step changed, as `name=value` words, with the loads that read an older value marked. */
function effects(system: TransitionSystem, before: Int32Array, after: Int32Array, action: number): string {
  const a = system.actions[action];
  const words = changes(system, before, after).map((c) => `${c.owner === a.instance ? c.short : c.name}=${c.value}`);
  for (const r of olderReads(system, a, before, after)) words.push(`(${r.location}: old value; newest is ${r.newest})`);
  return words.join(' ');
}

/**
 * Column widths that fit `total` columns: each column gets its natural width, or, when they do
 * not all fit, the same cap for every column that would be wider (the widest are cut first).
 */
function fitWidths(natural: readonly number[], fixed: number, total: number): number[] {
  const gaps = 2 * natural.length;
  const room = total - fixed - gaps;
  const sum = (cap: number) => natural.reduce((t, w) => t + Math.min(w, cap), 0);
  if (sum(Infinity) <= room) return [...natural];
  let cap = 8; // below this a cell says nothing; the table is then wider than asked
  while (sum(cap + 1) <= room) cap++;
  return natural.map((w) => Math.min(w, cap));
}

function table(system: TransitionSystem, trace: Trace, v: FoundViolation, color: ChalkInstance, total: number): string {
  const cols = [...new Set(trace.steps.map((s) => system.actions[s.action].instance))].sort((a, b) => a - b);
  const rows: string[][] = [];
  let prev = trace.initial;
  trace.steps.forEach((step, k) => {
    const a = system.actions[step.action];
    const label = stepLabel(system, step.action);
    const cells = cols.map((c) => (c === a.instance ? label : ''));
    let effect: string;
    if (step.state) {
      effect = effects(system, prev, step.state, step.action);
      prev = step.state;
    } else {
      effect = `✗ ${v.message}`;
    }
    rows.push([String(k + 1), ...cells, effect]);
  });
  const header = ['#', ...cols.map((c) => system.layout.instances[c].name), 'changes'];
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const widths = [natural[0], ...fitWidths(natural.slice(1), natural[0], total)];
  // A step's cell may run on over the process columns to its right that are empty in its row
  // (every row has one step), so a narrow table cuts less.
  const last = header.length - 1;
  const fmt = (r: string[], spill = true) => {
    const out = [r[0].padStart(widths[0])];
    for (let i = 1; i < last; ) {
      let span = widths[i];
      let j = i + 1;
      if (spill && r[i]) for (; j < last && !r[j]; j++) span += 2 + widths[j];
      out.push(clip(r[i], span).padEnd(span));
      i = j;
    }
    out.push(clip(r[last], widths[last]));
    return out.join('  ').trimEnd();
  };
  const marks = lassoMarks(system, trace, v);
  const lines = [color.bold(fmt(header, false))];
  rows.forEach((r, k) => {
    for (const m of marks.get(k) ?? []) lines.push(color.cyan(`${' '.repeat(widths[0])}  ${m}`));
    lines.push(fmt(r));
  });
  for (const m of marks.get(rows.length) ?? []) lines.push(color.cyan(`${' '.repeat(widths[0])}  ${m}`));
  lines.push(closing(system, trace, v));
  return lines.join('\n');
}

/**
 * For a lasso: the lines that mark, before step k (0-based; steps.length: after the last),
 * where P held and where the cycle starts and ends.
 */
function lassoMarks(system: TransitionSystem, trace: Trace, v: FoundViolation): Map<number, string[]> {
  const marks = new Map<number, string[]>();
  if (v.kind !== 'liveness') return marks;
  const add = (k: number, m: string) => marks.set(k, [...(marks.get(k) ?? []), m]);
  const d = trace.cycleStart ?? trace.steps.length;
  const n = trace.steps.length;
  if (v.pAt !== undefined) add(v.pAt, `── P holds ${v.pAt === 0 ? 'in the initial state' : `after step ${v.pAt}`}; from here on Q never holds ──`);
  if (n > d) {
    const units = (v.cycleUnits ?? []).map((u) => system.fairUnitNames[u]);
    add(d, `── cycle: steps ${d + 1}-${n} repeat for ever${units.length ? `; fair units stepping: ${units.join(', ')}` : ''} ──`);
    add(n, `── end of cycle: back to the state ${d === 0 ? 'at the start' : `after step ${d}`} ──`);
  } else add(n, '── no step is enabled here: the run stays in this state for ever ──');
  return marks;
}

function propertyText(system: TransitionSystem, name: string): string {
  const p = system.properties.find((x) => x.name === name);
  if (!p) return name;
  return p.span.file.text
    .slice(p.span.start, p.span.end)
    .replace(/^property\s+\w+\s*:\s*/, '')
    .replace(/;\s*$/, '');
}

function closing(system: TransitionSystem, trace: Trace, v: FoundViolation): string {
  const last = trace.steps.length ? trace.steps[trace.steps.length - 1].state : trace.initial;
  switch (v.kind) {
    case 'invariant': {
      const inv = system.model.invariants.find((i) => i.name === v.property)!;
      const src = inv.expr.span.file.text.slice(inv.expr.span.start, inv.expr.span.end);
      return `violated: invariant ${v.property} (${src}) is false after step ${trace.steps.length}`;
    }
    case 'deadlock': {
      const blocked = system.layout.instances
        .map((inst, i) => ({ inst, i }))
        .filter(({ inst, i }) => !system.model.processes[inst.process].background && last && last[inst.pcSlot] !== system.automata[i].terminal)
        .map(({ inst, i }) => {
          const pc = last![inst.pcSlot];
          const where = system.automata[i].nodes[pc]?.edges.length ? pcLabel(system, i, pc) : 'its end';
          return `${inst.name} (at ${where})`;
        });
      return `violated: deadlock after step ${trace.steps.length}: no step is enabled; blocked: ${blocked.join(', ')}`;
    }
    case 'assert':
      return `violated: assert "${v.property}" fails at step ${trace.steps.length}`;
    case 'liveness': {
      const d = trace.cycleStart ?? trace.steps.length;
      const n = trace.steps.length;
      const how = n > d ? `steps ${d + 1}-${n} repeat for ever (a fair cycle)` : `no step is enabled after step ${d}`;
      return `violated: property ${v.property} (${propertyText(system, v.property)}): ${how}, and it is never satisfied`;
    }
    default:
      return `violated: ${v.kind}: ${v.message} (step ${trace.steps.length})`;
  }
}

function text(system: TransitionSystem, trace: Trace, v: FoundViolation, color: ChalkInstance): string {
  const lines: string[] = [color.bold('initial state:')];
  const init = trace.initial;
  system.layout.slotNames.forEach((s, slot) => {
    if (s.type) lines.push(`    ${s.name} = ${slotValue(system, init, slot)}`);
  });
  system.layout.instances.forEach((inst, i) => {
    if (system.memory.buffer(i)) lines.push(`    ${inst.name}.buffer = []`);
  });
  let prev = init;
  const marks = lassoMarks(system, trace, v);
  trace.steps.forEach((step, k) => {
    for (const m of marks.get(k) ?? []) lines.push(color.cyan(m));
    const a = system.actions[step.action];
    const inst = system.layout.instances[a.instance].name;
    lines.push(color.bold(`step ${k + 1}: ${inst}, line ${stepLabel(system, step.action)}`));
    if (step.state) {
      for (const c of changes(system, prev, step.state)) lines.push(`    ${c.name} = ${c.value}`);
      for (const r of olderReads(system, a, prev, step.state)) lines.push(`    (read an older value of ${r.location}; newest is ${r.newest})`);
      prev = step.state;
    } else lines.push(`    ✗ ${v.message}`);
  });
  for (const m of marks.get(trace.steps.length) ?? []) lines.push(color.cyan(m));
  lines.push(closing(system, trace, v));
  return lines.join('\n');
}
