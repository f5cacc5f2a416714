// Writes generated JavaScript a reviewer can read: one statement per line, indented by
// nesting, with comments that name the model's source. Emitters write through it instead of
// joining strings, so that `mmucheck compile --emit js` shows code with a shape.

export const MAX_LINE = 160;

export class CodeWriter {
  private readonly out: string[] = [];
  private depth = 0;

  /**
   * One line (or several, separated by newlines) at the current indentation. A line longer
   * than MAX_LINE is broken after `&&`, `||`, `|` or a comma, where JavaScript reads on.
   */
  line(text: string): this {
    const indent = '  '.repeat(this.depth);
    for (const l of text.split('\n')) {
      if (!l.length) this.out.push('');
      else for (const [k, part] of wrap(l, MAX_LINE - indent.length).entries()) this.out.push(indent + (k ? '    ' : '') + part);
    }
    return this;
  }

  comment(text: string): this {
    return this.line(`// ${text.replace(/\s*\n\s*/g, ' ').trimEnd()}`);
  }

  /** A line that opens a block (it should end with `{`); what follows is indented. */
  open(text: string): this {
    this.line(text);
    this.depth++;
    return this;
  }

  /** Closes the innermost block with `text` (by default `}`). */
  close(text = '}'): this {
    this.depth--;
    return this.line(text);
  }

  /** Closes a block and opens the next one on the same line, as in `} else {`. */
  reopen(text: string): this {
    this.depth--;
    this.line(text);
    this.depth++;
    return this;
  }

  /** `head {`, the body written by `body`, then `}`. */
  block(head: string, body: () => void, tail = '}'): this {
    this.open(head.endsWith('{') ? head : `${head} {`);
    body();
    return this.close(tail);
  }

  /** Appends what another writer produced, indented at the current level. */
  append(other: CodeWriter): this {
    for (const l of other.out) this.out.push(l.length ? '  '.repeat(this.depth) + l : '');
    return this;
  }

  get empty(): boolean {
    return this.out.length === 0;
  }

  toString(): string {
    return this.out.join('\n');
  }
}

/**
 * Breaks a line of code into pieces of at most about `max` characters, only after `&& `,
 * `|| `, `| ` or `, ` outside string literals and before any `//` comment (so no piece changes
 * how the code parses). A line with nowhere to break stays whole.
 */
export function wrap(line: string, max: number): string[] {
  if (line.length <= max) return [line];
  const breaks: number[] = []; // positions after which a line may end
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') break;
    else if (line[i + 1] === ' ' && (c === ',' || c === '|' || (c === '&' && line[i - 1] === '&'))) breaks.push(i + 1);
  }
  const pieces: string[] = [];
  let from = 0;
  let last = -1;
  for (const b of breaks) {
    if (b - from > max - 4 && last > from) {
      pieces.push(line.slice(from, last).trimEnd());
      from = last + 1;
    }
    last = b;
  }
  if (line.length - from > max - 4 && last > from) {
    pieces.push(line.slice(from, last).trimEnd());
    from = last + 1;
  }
  pieces.push(line.slice(from));
  return pieces;
}
