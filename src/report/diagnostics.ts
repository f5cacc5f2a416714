// Renders diagnostics clang-style: `file:line:col: error: message`, the source line, a caret.
import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../parse/diagnostic.ts';
import { lineCol, lineText } from '../parse/source.ts';
import { MAX_DIAGNOSTICS } from '../parse/bounds.ts';

export function renderDiagnostic(d: Diagnostic, color: ChalkInstance): string {
  const lines: string[] = [];
  const head = `${color.red.bold('error:')} ${color.bold(d.message)}`;
  if (d.span) {
    const { line, col } = lineCol(d.span.file, d.span.start);
    lines.push(`${color.bold(`${d.span.file.path}:${line}:${col}:`)} ${head}`);
    const full = lineText(d.span.file, line);
    const end = lineCol(d.span.file, Math.max(d.span.start, d.span.end - 1));
    let width = end.line === line ? Math.max(1, end.col - col + 1) : 1;
    // A very long line (generated input) is shown as a window around the caret.
    const from = full.length > MAX_SHOWN ? Math.max(0, Math.min(col - 1 - MAX_SHOWN / 2, full.length - MAX_SHOWN)) : 0;
    const text =
      from > 0 || full.length > MAX_SHOWN ? `${from > 0 ? '…' : ''}${full.slice(from, from + MAX_SHOWN)}${from + MAX_SHOWN < full.length ? '…' : ''}` : full;
    const caretCol = col - from + (from > 0 ? 1 : 0);
    width = Math.min(width, MAX_SHOWN - (col - 1 - from));
    const gutter = String(line);
    lines.push(`${' '.repeat(gutter.length)} |`);
    lines.push(`${gutter} | ${text.replace(/\t/g, ' ')}`);
    lines.push(`${' '.repeat(gutter.length)} | ${' '.repeat(caretCol - 1)}${color.green('^' + '~'.repeat(width - 1))}`);
  } else {
    lines.push(`mmucheck: ${head}`);
  }
  for (const n of d.notes ?? []) lines.push(`  ${color.cyan('note:')} ${n}`);
  if (d.hint) lines.push(`  ${color.cyan('hint:')} ${d.hint}`);
  return lines.join('\n');
}

/** Columns of a source line shown around the caret. */
const MAX_SHOWN = 160;

/**
 * The first MAX_DIAGNOSTICS diagnostics, then how many more there were (as compilers do); the
 * count closes the list only when there are several.
 */
export function renderDiagnostics(ds: readonly Diagnostic[], color: ChalkInstance): string {
  const shown = ds.slice(0, MAX_DIAGNOSTICS).map((d) => renderDiagnostic(d, color));
  if (ds.length > MAX_DIAGNOSTICS) shown.push(`mmucheck: ${ds.length - MAX_DIAGNOSTICS} more errors not shown (the first ${MAX_DIAGNOSTICS} are above)`);
  return ds.length > 1 ? `${shown.join('\n')}\n${ds.length} errors` : shown.join('\n');
}
