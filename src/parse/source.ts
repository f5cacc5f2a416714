// Source text with line tables, and the spans every later stage points back into.

export interface SourceFile {
  readonly path: string; // as the user named it (used in diagnostics)
  readonly text: string;
  readonly lineStarts: readonly number[];
}

export interface Span {
  readonly file: SourceFile;
  readonly start: number; // offset of the first character
  readonly end: number; // offset just past the last character
}

export function sourceFile(path: string, text: string): SourceFile {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return { path, text, lineStarts };
}

/** 1-based line and column of an offset. */
export function lineCol(file: SourceFile, offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = file.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (file.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - file.lineStarts[lo] + 1 };
}

export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1] ?? 0;
  const next = file.lineStarts[line];
  const end = next === undefined ? file.text.length : next - 1;
  return file.text.slice(start, end).replace(/\r$/, '');
}

export function spanText(span: Span): string {
  return span.file.text.slice(span.start, span.end);
}

export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** `file:line:col` of a span's start. */
export function where(span: Span): string {
  const { line, col } = lineCol(span.file, span.start);
  return `${span.file.path}:${line}:${col}`;
}
