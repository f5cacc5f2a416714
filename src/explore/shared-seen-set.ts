// The seen-set shared by every worker: open addressing over 64-bit fingerprints stored as
// pairs of Int32 in a SharedArrayBuffer, inserted lock-free (Laarman et al., FMCAD 2010).
// A slot is claimed by a compare-and-swap of its first word from 0 to the fingerprint's
// high half; the claimer then stores the low half. A reader that finds a claimed slot whose
// low half is still 0 waits for it (the claimer is between two instructions).
// So 0 never appears as a stored half: a half that hashes to 0 is stored as 1, which costs a
// negligible sliver of the 64 bits. The table grows between BFS levels, when nobody inserts.

export interface SeenTable {
  readonly words: Int32Array; // 2 words per slot, over a SharedArrayBuffer
  readonly mask: number; // slots - 1
}

export function newTable(slotsLog2: number): SeenTable {
  const slots = 1 << slotsLog2;
  return { words: new Int32Array(new SharedArrayBuffer(slots * 8)), mask: slots - 1 };
}

export class TableFullError extends Error {}

/**
 * Inserts (a, b); true when it was not there before. Safe to call from many threads at once.
 * Probes read plainly: a slot seen empty is claimed with a compare-and-swap, which returns
 * the slot's real first word if another thread got there first. So a duplicate, the common
 * case in BFS, costs no atomic operation at all.
 */
export function sharedInsert(t: SeenTable, a: number, b: number): boolean {
  if (a === 0) a = 1;
  if (b === 0) b = 1;
  const w = t.words;
  const mask = t.mask;
  let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
  for (let probes = 0; probes <= mask; probes++) {
    const at = i << 1;
    let x = w[at];
    if (x === 0) {
      x = Atomics.compareExchange(w, at, 0, a);
      if (x === 0) {
        Atomics.store(w, at + 1, b);
        return true;
      }
    }
    if (x === a) {
      let y = w[at + 1];
      while (y === 0) y = Atomics.load(w, at + 1);
      if (y === b) return false;
    }
    i = (i + 1) & mask;
  }
  throw new TableFullError(`the seen-set is full (${mask + 1} slots)`);
}

export function sharedHas(t: SeenTable, a: number, b: number): boolean {
  if (a === 0) a = 1;
  if (b === 0) b = 1;
  const w = t.words;
  const mask = t.mask;
  let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
  for (let probes = 0; probes <= mask; probes++) {
    const at = i << 1;
    const x = w[at];
    if (x === 0) return false;
    if (x === a) {
      let y = w[at + 1];
      while (y === 0) y = Atomics.load(w, at + 1);
      if (y === b) return true;
    }
    i = (i + 1) & mask;
  }
  return false;
}

/** A table twice as large (or more) holding the same fingerprints; only when nobody inserts. */
export function grown(t: SeenTable, slotsLog2: number): SeenTable {
  const n = newTable(slotsLog2);
  const w = t.words;
  const nw = n.words;
  const mask = n.mask;
  for (let at = 0; at < w.length; at += 2) {
    const a = w[at];
    if (a === 0) continue;
    const b = w[at + 1];
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (nw[i << 1] !== 0) i = (i + 1) & mask;
    nw[i << 1] = a;
    nw[(i << 1) + 1] = b;
  }
  return n;
}
