// What a step and a program counter are called, in every rendering of a trace (table, text,
// json, itf, html): one function each, so the formats never disagree.
//
// A step is `LINE: STATEMENT`, the statement as written with comments dropped and whitespace
// collapsed; a condition is `if (COND) [true]`, the branch it took; an atomic block is its
// statements on one line (`atomic { a = 1; b = 2; }`), inline calls as written. A step inside an inline is shown at its call in
// the process's own code, then the inline's line: `120→65: await l == 0` (line 120 calls the
// inline whose line 65 made the step), so two calls of the same inline read differently and
// the statement itself stays in view when a table cell is cut.
import type * as I from '../check/ir.ts';
import type { ActionInfo, TransitionSystem } from '../compile/system.ts';
import { lineCol, type Span } from '../parse/source.ts';

/** The source of a span on one line: comments dropped, whitespace collapsed (strings kept as written). */
export function sourceText(span: Span): string {
  const src = span.file.text.slice(span.start, span.end);
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      const end = src.indexOf('"', i + 1);
      const stop = end < 0 ? src.length : end + 1;
      out += src.slice(i, stop);
      i = stop - 1;
    } else if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      i = (nl < 0 ? src.length : nl) - 1;
      out += ' ';
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = (end < 0 ? src.length : end + 2) - 1;
      out += ' ';
    } else out += c;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Longer statements (an atomic block of many lines) are cut here, in every rendering. */
const MAX_STATEMENT = 200;

/** A statement on one line: as written, comments dropped; a long block cut at MAX_STATEMENT with `… }`. */
function statementText(s: I.Stmt): string {
  const text = sourceText(s.span);
  return text.length <= MAX_STATEMENT ? text : `${text.slice(0, MAX_STATEMENT - 4)}… }`;
}

/** The line of a span, prefixed with its file when that is not the model's main file. */
function lineOf(system: TransitionSystem, span: Span): string {
  const line = lineCol(span.file, span.start).line;
  return span.file.path === system.model.mainFile.path ? String(line) : `${span.file.path.split('/').pop()}:${line}`;
}

/** The statement of a step (without its line): what the step did, and for a condition, the branch it took. */
export function stepStatement(a: ActionInfo): string {
  const s = a.stmt;
  if (!s) return a.text; // a step of the memory system, described by the model
  if (s.kind === 'if' || s.kind === 'while') return `${s.kind} (${sourceText(s.cond.span)})${a.outcome ? ` [${a.outcome}]` : ''}`;
  return statementText(s);
}

/** Where a step is: its line, or for a step inside an inline, the outermost call's line, `→`, the statement's line. */
export function stepWhere(system: TransitionSystem, a: ActionInfo): string {
  const call = a.calls?.[0];
  const own = lineOf(system, a.span);
  return call ? `${lineOf(system, call.span)}→${own}` : own;
}

/**
 * A step in two parts: `line`, where it is (stepWhere; file-prefixed when not the model's
 * main file), and `text`, what it did; the label is `${line}: ${text}`.
 */
export function stepParts(system: TransitionSystem, action: number): { line: string; text: string } {
  const a = system.actions[action];
  return { line: stepWhere(system, a), text: stepStatement(a) };
}

/** The label of a step, the same in every rendering: `14: if (flag[1]) [true]`, `120→65: await l == 0`. */
export function stepLabel(system: TransitionSystem, action: number): string {
  const { line, text } = stepParts(system, action);
  return `${line}: ${text}`;
}

/**
 * Where a program counter stands: `line N` of the next statement (for one inside an inline,
 * the call's line too: `line 120→65`), with the labels that name that point (`@crit`), or
 * `done`.
 */
export function pcLabel(system: TransitionSystem, instance: number, pc: number): string {
  const automaton = system.automata[instance];
  if (pc === automaton.terminal) return 'done';
  const node = automaton.nodes[pc];
  const edge = node?.edges[0];
  if (!edge) return `pc ${pc}`;
  const call = edge.calls?.[0];
  const line = lineOf(system, edge.stmt.span);
  const labels = node.labels.length ? ` @${node.labels.join(' @')}` : '';
  return `line ${call ? `${lineOf(system, call.span)}→${line}` : line}${labels}`;
}
