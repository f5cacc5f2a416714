// Renders diagnostics clang-style: `file:line:col: error: message`, the source line, a caret.
import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../parse/diagnostic.ts';
import { lineCol, lineText } from '../parse/source.ts';

export function renderDiagnostic(d: Diagnostic, color: ChalkInstance): string {
  const lines: string[] = [];
  const head = `${color.red.bold('error:')} ${color.bold(d.message)}`;
  if (d.span) {
    const { line, col } = lineCol(d.span.file, d.span.start);
    lines.push(`${color.bold(`${d.span.file.path}:${line}:${col}:`)} ${head}`);
    const text = lineText(d.span.file, line);
    const end = lineCol(d.span.file, Math.max(d.span.start, d.span.end - 1));
    const width = end.line === line ? Math.max(1, end.col - col + 1) : 1;
    const gutter = String(line);
    lines.push(`${' '.repeat(gutter.length)} |`);
    lines.push(`${gutter} | ${text.replace(/\t/g, ' ')}`);
    lines.push(`${' '.repeat(gutter.length)} | ${' '.repeat(col - 1)}${color.green('^' + '~'.repeat(width - 1))}`);
  } else {
    lines.push(`mmucheck: ${head}`);
  }
  for (const n of d.notes ?? []) lines.push(`  ${color.cyan('note:')} ${n}`);
  if (d.hint) lines.push(`  ${color.cyan('hint:')} ${d.hint}`);
  return lines.join('\n');
}

/** The diagnostics one after another; the count closes the list only when there are several. */
export function renderDiagnostics(ds: readonly Diagnostic[], color: ChalkInstance): string {
  const body = ds.map((d) => renderDiagnostic(d, color)).join('\n');
  return ds.length > 1 ? `${body}\n${ds.length} errors` : body;
}
