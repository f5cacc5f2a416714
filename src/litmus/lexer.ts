// Tokens of the Linux kernel's C litmus format (tools/memory-model, herd7's "C" tests).
// Comments of three kinds are dropped: `// ...`, `/* ... */` and herd's `(* ... *)`.
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import type { SourceFile, Span } from '../parse/source.ts';

export type LitmusTokenKind = 'ident' | 'int' | 'string' | 'punct' | 'eof';

export interface LitmusToken {
  readonly kind: LitmusTokenKind;
  readonly text: string;
  readonly span: Span;
}

// Longest first. `/\` and `\/` are the condition's and / or.
const PUNCT = ['/\\', '\\/', '==', '!=', '<=', '>=', '&&', '||', '->', '++', '--', '+=', '-=', '<<', '>>'];
const SINGLE = '{}()[];:,=<>+-*/%!~&|^?.';

/** Tokens of `file` from offset `from` (the parser reads the `C name` line itself). */
export function lexLitmus(file: SourceFile, from = 0): { tokens: LitmusToken[]; diagnostics: Diagnostic[] } {
  const text = file.text;
  const tokens: LitmusToken[] = [];
  const diagnostics: Diagnostic[] = [];
  const span = (start: number, end: number): Span => ({ file, start, end });
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i) || (text.startsWith('(*', i) && /\s/.test(text[i + 2] ?? ' '))) {
      // `(*` opens a herd comment only before white space: `(*x)` is a dereference.
      const close = text.indexOf(c === '/' ? '*/' : '*)', i + 2);
      if (close < 0) {
        diagnostics.push(diag('lex', 'unterminated comment', span(i, i + 2)));
        i = text.length;
      } else i = close + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), span: span(start, i) });
    } else if (/[0-9]/.test(c)) {
      const start = i;
      if (text.startsWith('0x', i) || text.startsWith('0X', i)) i += 2;
      while (i < text.length && /[0-9A-Fa-f]/.test(text[i])) i++;
      const digits = text.slice(start, i);
      if (!/^(0[xX][0-9A-Fa-f]+|[0-9]+)$/.test(digits) || (i < text.length && /[A-Za-z_]/.test(text[i]))) {
        while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
        diagnostics.push(diag('lex', `malformed number '${text.slice(start, i)}'`, span(start, i)));
        continue;
      }
      tokens.push({ kind: 'int', text: String(Number(digits)), span: span(start, i) });
    } else if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i++;
      if (text[i] !== '"') {
        diagnostics.push(diag('lex', 'unterminated string', span(start, start + 1)));
        i = text.length;
        continue;
      }
      i++;
      tokens.push({ kind: 'string', text: text.slice(start + 1, i - 1), span: span(start, i) });
    } else {
      const two = PUNCT.find((p) => text.startsWith(p, i));
      if (two) {
        tokens.push({ kind: 'punct', text: two, span: span(i, i + two.length) });
        i += two.length;
      } else if (SINGLE.includes(c)) {
        tokens.push({ kind: 'punct', text: c, span: span(i, i + 1) });
        i++;
      } else {
        diagnostics.push(diag('lex', `unexpected character '${c}'`, span(i, i + 1)));
        i++;
      }
    }
  }
  tokens.push({ kind: 'eof', text: '', span: span(text.length, text.length) });
  return { tokens, diagnostics };
}
