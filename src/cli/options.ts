// Parsing of option values: every mistake is a diagnostic (exit 2), never a stack trace.
import { diag, type Diagnostic } from '../parse/diagnostic.ts';

export class OptionError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const bad = (message: string, notes?: string[]): never => {
  throw new OptionError(diag('option', message, undefined, notes ? { notes } : undefined));
};

export function positiveInt(name: string, raw: string | undefined, min = 1): number | undefined {
  if (raw === undefined) return undefined;
  const digits = /^[0-9]+$/.test(raw.trim());
  if (digits && !Number.isSafeInteger(Number(raw))) bad(`${name} takes a whole number of at most ${Number.MAX_SAFE_INTEGER}, not '${raw}'`);
  if (!digits || Number(raw) < min) bad(`${name} takes a whole number of at least ${min}, not '${raw}'`);
  return Number(raw);
}

export function seconds(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) bad(`${name} takes a number of seconds greater than 0, not '${raw}'`);
  return v;
}

/** SIZE: bytes, or a number with K, M, G or T (powers of 1024), optionally followed by B or iB. */
export function size(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT]?)(i?[bB])?$/.exec(raw.trim());
  if (!m) return bad(`${name} takes a size like 512M or 4G, not '${raw}'`);
  const scale = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(m[1]) * scale);
  if (bytes < 1) return bad(`${name} takes a size greater than 0, not '${raw}'`);
  return bytes;
}

export function constAssignments(list: readonly string[]): Record<string, string> {
  // No prototype: `--const __proto__=1` is a name like any other (and then an unknown constant).
  const out: Record<string, string> = Object.create(null);
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) bad(`--const takes NAME=VALUE, not '${item}'`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

export function oneOf<T extends string>(name: string, raw: string | undefined, values: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!values.includes(raw as T)) bad(`${name} takes one of ${values.join(', ')}, not '${raw}'`);
  return raw as T;
}

export function failOption(message: string, notes?: string[]): never {
  return bad(message, notes);
}
