// Turns source text into tokens; comments and white space are dropped.
import { diag, type Diagnostic } from './diagnostic.ts';
import type { SourceFile, Span } from './source.ts';

export type TokenKind = 'ident' | 'int' | 'string' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string; // identifier name, digits, string contents, or the punctuation
  readonly span: Span;
}

const PUNCT2 = ['::', '..', '=>', '~>', '==', '!=', '<=', '>=', '&&', '||'];
const PUNCT1 = '{}()[];:,.=<>+-*/%!?@';

export function lex(file: SourceFile): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const text = file.text;
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const span = (start: number, end: number): Span => ({ file, start, end });
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
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
      while (i < text.length && /[0-9]/.test(text[i])) i++;
      if (i < text.length && /[A-Za-z_]/.test(text[i])) {
        while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
        diagnostics.push(diag('lex', `malformed number '${text.slice(start, i)}'`, span(start, i)));
        continue;
      }
      tokens.push({ kind: 'int', text: text.slice(start, i), span: span(start, i) });
    } else if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i++;
      if (text[i] !== '"') {
        diagnostics.push(diag('lex', 'unterminated string', span(start, i)));
        continue;
      }
      i++;
      tokens.push({ kind: 'string', text: text.slice(start + 1, i - 1), span: span(start, i) });
    } else {
      const two = text.slice(i, i + 2);
      if (PUNCT2.includes(two)) {
        tokens.push({ kind: 'punct', text: two, span: span(i, i + 2) });
        i += 2;
      } else if (PUNCT1.includes(c)) {
        tokens.push({ kind: 'punct', text: c, span: span(i, i + 1) });
        i++;
      } else {
        diagnostics.push(diag('lex', `unexpected character '${c}'`, span(i, i + 1)));
        i++;
      }
    }
  }
  tokens.push({ kind: 'eof', text: 'end of file', span: span(text.length, text.length) });
  return { tokens, diagnostics };
}
