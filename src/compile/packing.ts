// Packing a state into bit fields. Every slot's range is known (types are finite, stores are
// range-checked, a pc is below its automaton's size), so the engine keeps frontier states and
// hashes them in this packed form: a few words instead of one Int32 per slot. The generated
// successor code still works on unpacked states; `pack` and `unpack` are generated too.
import * as I from '../check/ir.ts';

export interface SlotField {
  readonly word: number;
  readonly shift: number;
  readonly bits: number; // 0: the slot always holds `lo`
  readonly lo: number;
}

export interface Packing {
  readonly words: number;
  readonly fields: readonly SlotField[];
}

/** Lays slots out in 32-bit words, a field never straddling two words. */
export function planPacking(ranges: readonly { lo: number; hi: number }[]): Packing {
  const fields: SlotField[] = [];
  let word = 0;
  let used = 0;
  for (const { lo, hi } of ranges) {
    const span = hi - lo;
    const bits = span <= 0 ? 0 : Math.ceil(Math.log2(span + 1));
    if (bits > 30) {
      // A huge range gets a word of its own and is stored as is.
      if (used > 0) word++;
      fields.push({ word, shift: 0, bits: 32, lo: 0 });
      word++;
      used = 0;
      continue;
    }
    if (used + bits > 32) {
      word++;
      used = 0;
    }
    fields.push({ word, shift: used, bits, lo });
    used += bits;
  }
  return { words: Math.max(1, used > 0 ? word + 1 : word), fields };
}

export function slotRange(type: I.ScalarType | null, pcCount: number): { lo: number; hi: number } {
  if (type === null) return { lo: 0, hi: pcCount - 1 };
  if (type.kind === 'int') return { lo: type.lo, hi: type.hi };
  return { lo: 0, hi: I.typeSize(type) - 1 };
}

/** JS source of `pack(s, so, d, dof)` and `unpack(d, dof, s, so)` for a packing. */
export function emitPacking(p: Packing): string {
  const byWord: string[][] = Array.from({ length: p.words }, () => []);
  const unpack: string[] = [];
  p.fields.forEach((f, slot) => {
    if (f.bits === 32) {
      byWord[f.word].push(`s[so + ${slot}]`);
      unpack.push(`s[so + ${slot}] = d[dof + ${f.word}];`);
    } else if (f.bits === 0) {
      unpack.push(`s[so + ${slot}] = ${f.lo};`);
    } else {
      const v = f.lo === 0 ? `s[so + ${slot}]` : `(s[so + ${slot}] - ${f.lo})`;
      byWord[f.word].push(f.shift === 0 ? v : `(${v} << ${f.shift})`);
      const mask = (1 << f.bits) - 1; // bits <= 30 here: wider fields take a word of their own
      const get = `((d[dof + ${f.word}] >>> ${f.shift}) & ${mask})`;
      unpack.push(`s[so + ${slot}] = ${f.lo === 0 ? get : `${get} + ${f.lo}`};`);
    }
  });
  // Six fields a line, so that the generated code stays readable.
  const pack = byWord.map((parts, w) => {
    if (!parts.length) return `d[dof + ${w}] = 0;`;
    const lines: string[] = [];
    for (let k = 0; k < parts.length; k += 6) lines.push(parts.slice(k, k + 6).join(' | '));
    return `d[dof + ${w}] = ${lines.join(' |\n  ')};`;
  });
  return `function pack(s, so, d, dof) {\n${pack.join('\n')}\n}\nfunction unpack(d, dof, s, so) {\n${unpack.join('\n')}\n}`;
}
