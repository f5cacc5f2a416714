// The memory system of --memory arm, as JavaScript for the generated kernel: view-based
// loads, per-process buffers of pending stores, commits, barriers, fully ordered
// read-modify-writes and atomic blocks, and the normal form applied after every step. The
// rules are docs/memory-models.md's; names there (coh, vrOld, vwOld, vrNew, vCAP, vRel) are
// used here. Every function works on a state at a[b..] (the successor being built).
import type { StateLayout } from './layout.ts';

/** View slots of an instance, relative to its `views` slot. */
export const VR_OLD = 0;
export const VW_OLD = 1;
export const VR_NEW = 2;
export const V_CAP = 3;
export const V_REL = 4;

/** Flags of a pending store. */
export const BARRIER_AFTER = 1;
export const RELEASE = 2;

/** The runtime for a layout with an `arm` plan: constants, then functions. */
export function armRuntime(layout: StateLayout): string {
  const plan = layout.arm!;
  const buffers = layout.buffers!;
  const K = buffers.size;
  const L = plan.locations.length;
  const locIndex = new Array<number>(layout.width).fill(-1);
  plan.locations.forEach((slot, li) => (locIndex[slot] = li));
  // Per instance: [count slot, first entry, coh, views, local views - first local slot]
  const inst = layout.instances.map((i) => [i.storeBuffer!.countSlot, i.storeBuffer!.firstEntry, i.arm!.coh, i.arm!.views, i.arm!.localViews - (i.pcSlot + 1)]);
  // Every slot holding a timestamp or a view, and the memory's timestamp slots.
  const memTs: number[] = [];
  for (let li = 0; li < L; li++) {
    const m = plan.memory + li * plan.stride;
    memTs.push(m);
    for (let k = 0; k <= K; k++) memTs.push(m + 3 + 2 * k);
  }
  const viewSlots: number[] = [...memTs];
  for (const i of layout.instances) {
    const a = i.arm!;
    for (let k = 0; k < L; k++) viewSlots.push(a.coh + k);
    for (let k = 0; k < 5; k++) viewSlots.push(a.views + k);
    for (let k = 0; k < a.localSlots; k++) viewSlots.push(a.localViews + k);
    for (let k = 0; k < K; k++) viewSlots.push(i.storeBuffer!.firstEntry + 4 * k + 2);
  }
  return `
const $K = ${K}, $L = ${L}, $MEM = ${plan.memory}, $MS = ${plan.stride}, $NI = ${inst.length};
const $LOC0 = ${buffers.loc.lo}, $VAL0 = ${buffers.val.lo};
const $LI = Int32Array.from(${JSON.stringify(locIndex)});
const $IN = ${JSON.stringify(inst)};
const $TSS = Int32Array.from(${JSON.stringify(memTs)});
const $VWS = Int32Array.from(${JSON.stringify(viewSlots)});
let $w = 0;
const $ws = [];
const $mk = { st: [], rd: [], lc: [] };
function $mx(a, b) { return a > b ? a : b; }
function $enter() { $ws.push($w); $w = 0; return 0; }
function $mkReset() { $mk.st.length = 0; $mk.rd.length = 0; $mk.lc.length = 0; }
// A local scalar read: its value, and its view joins the expression's.
function $lr(a, b, at, d) { const v = a[b + at + d]; if (v > $w) $w = v; return a[b + at]; }
// The timestamp of message j of location li (j === n: the current one).
function $tsOf(a, m, n, j) { return j === n ? a[m] : a[m + 3 + 2 * j]; }
function $maxTs(a, b) { let t = 0; for (let li = 0; li < $L; li++) { const x = a[b + $MEM + li * $MS]; if (x > t) t = x; } return t; }
// Load of the shared scalar at slot (after $enter() and the address: $w is its view).
function $ld(a, b, i, slot, acq) {
  const va = $w; $w = $ws.pop();
  const I = $IN[i], C = I[0], E = I[1], H = I[2], V = I[3];
  let vpre = $mx(va, a[b + V + ${VR_NEW}]);
  if (acq) vpre = $mx(vpre, a[b + V + ${V_REL}]);
  const li = $LI[slot];
  let val = 0, vpost = -1;
  for (let k = a[b + C] - 1; k >= 0; k--) {
    const e = b + E + 4 * k;
    if (a[e] === slot) { val = a[e + 1]; vpost = $mx(vpre, a[e + 2]); break; }
  }
  if (vpost < 0) {
    const m = b + $MEM + li * $MS, n = a[m + 1], F = $mx(vpre, a[b + H + li]);
    let lo = n;
    while (lo > 0 && $tsOf(a, m, n, lo) > F) lo--;
    const j = lo === n ? n : lo + $choose(n - lo + 1);
    val = j === n ? a[b + slot] : a[m + 2 + 2 * j];
    vpost = $mx(vpre, $tsOf(a, m, n, j));
  }
  a[b + H + li] = $mx(a[b + H + li], vpost);
  a[b + V + ${VR_OLD}] = $mx(a[b + V + ${VR_OLD}], vpost);
  a[b + V + ${V_CAP}] = $mx(a[b + V + ${V_CAP}], va);
  if (acq) a[b + V + ${VR_NEW}] = $mx(a[b + V + ${VR_NEW}], vpost);
  if (vpost > $w) $w = vpost;
  return val;
}
// A pending store: (slot, value, va | vd, flags) at the end of the buffer.
function $sb(a, b, i, slot, val, va, vd, rel) {
  const I = $IN[i], C = I[0], E = I[1], V = I[3];
  const c = a[b + C], e = b + E + 4 * c;
  a[e] = slot; a[e + 1] = val; a[e + 2] = $mx(va, vd); a[e + 3] = rel ? ${RELEASE} : 0;
  a[b + C] = c + 1;
  a[b + V + ${V_CAP}] = $mx(a[b + V + ${V_CAP}], va);
}
function $noRelease(a, b, i) {
  const I = $IN[i], C = I[0], E = I[1];
  for (let k = a[b + C] - 1; k >= 0; k--) if (a[b + E + 4 * k + 3] & ${RELEASE}) return false;
  return true;
}
// Whether pending store k may reach memory now.
function $el(a, b, i, k) {
  const I = $IN[i], E = I[1], slot = a[b + E + 4 * k];
  if ((a[b + E + 4 * k + 3] & ${RELEASE}) && k > 0) return false;
  for (let j = 0; j < k; j++) if (a[b + E + 4 * j] === slot || (a[b + E + 4 * j + 3] & ${BARRIER_AFTER})) return false;
  return true;
}
// The current message of location li becomes its newest older message.
function $push(a, b, li, slot) {
  const m = b + $MEM + li * $MS, n = a[m + 1];
  a[m + 2 + 2 * n] = a[b + slot]; a[m + 3 + 2 * n] = a[m]; a[m + 1] = n + 1;
}
// Pending store k reaches memory.
function $cm(a, b, i, k) {
  const I = $IN[i], C = I[0], E = I[1], H = I[2], V = I[3];
  const e = b + E + 4 * k, slot = a[e], val = a[e + 1], flags = a[e + 3], li = $LI[slot];
  const t = $maxTs(a, b) + 1;
  $push(a, b, li, slot);
  a[b + slot] = val; a[b + $MEM + li * $MS] = t;
  a[b + H + li] = t; a[b + V + ${VW_OLD}] = t;
  if (flags & ${RELEASE}) a[b + V + ${V_REL}] = t;
  if ((flags & ${BARRIER_AFTER}) && k > 0) a[e - 4 + 3] |= ${BARRIER_AFTER};
  const c = a[b + C];
  for (let j = k; j + 1 < c; j++) { const f = b + E + 4 * j; a[f] = a[f + 4]; a[f + 1] = a[f + 5]; a[f + 2] = a[f + 6]; a[f + 3] = a[f + 7]; }
  const l = b + E + 4 * (c - 1);
  a[l] = $LOC0; a[l + 1] = $VAL0; a[l + 2] = 0; a[l + 3] = 0;
  a[b + C] = c - 1;
}
function $wmb(a, b, i) { const I = $IN[i], c = a[b + I[0]]; if (c > 0) a[b + I[1] + 4 * (c - 1) + 3] |= ${BARRIER_AFTER}; }
function $rmb(a, b, i) { const V = $IN[i][3]; a[b + V + ${VR_NEW}] = $mx(a[b + V + ${VR_NEW}], a[b + V + ${VR_OLD}]); }
function $mb(a, b, i) { const V = $IN[i][3]; a[b + V + ${VR_NEW}] = $mx(a[b + V + ${VR_NEW}], $mx(a[b + V + ${VR_OLD}], a[b + V + ${VW_OLD}])); }
function $isb(a, b, i) { const V = $IN[i][3]; a[b + V + ${VR_NEW}] = $mx(a[b + V + ${VR_NEW}], a[b + V + ${V_CAP}]); }
function $gsync(a, b, i) { const V = $IN[i][3]; a[b + V + ${VR_NEW}] = $mx(a[b + V + ${VR_NEW}], $maxTs(a, b)); }
function $cap(a, b, i) { const V = $IN[i][3]; a[b + V + ${V_CAP}] = $mx(a[b + V + ${V_CAP}], $w); }
// A fully ordered read-modify-write of slot: old is the current value; store says whether
// nv is written. Returns V, the view of the result.
function $rmw(a, b, i, slot, store, nv, va, vd) {
  const I = $IN[i], H = I[2], V = I[3], li = $LI[slot], m = b + $MEM + li * $MS;
  let t = a[m];
  if (store) { t = $maxTs(a, b) + 1; $push(a, b, li, slot); a[b + slot] = nv; a[m] = t; }
  let v = $mx($mx(a[b + V + ${VR_OLD}], a[b + V + ${VW_OLD}]), $mx(a[b + V + ${VR_NEW}], a[b + V + ${V_CAP}]));
  v = $mx($mx(v, a[b + V + ${V_REL}]), $mx($mx(va, vd), t));
  a[b + V + ${VR_OLD}] = v; a[b + V + ${VR_NEW}] = v; a[b + H + li] = v;
  if (store) a[b + V + ${VW_OLD}] = v;
  return v;
}
// A fully ordered RMW of a local or ghost location: returns V.
function $rmwLocal(a, b, i, va, vd) {
  const V = $IN[i][3];
  let v = $mx($mx(a[b + V + ${VR_OLD}], a[b + V + ${VW_OLD}]), $mx(a[b + V + ${VR_NEW}], a[b + V + ${V_CAP}]));
  v = $mx($mx(v, a[b + V + ${V_REL}]), $mx(va, vd));
  a[b + V + ${VR_OLD}] = v; a[b + V + ${VR_NEW}] = v;
  return v;
}
// A read of a ghost location or of another process's local: view 0, whatever the index.
function $gr(a, b, at) { $w = $ws.pop(); return a[b + at]; }
// Atomic blocks that mention a shared location: reads and stores are marked as they run.
function $rd(a, b, slot) { $mk.rd.push(slot); return a[b + slot]; }
function $aw(slot) { $mk.st.push(slot); }
function $al(at) { $mk.lc.push(at); }
// The end of such a block: the source state s[so..] still holds the current messages the
// block started from.
function $aend(a, b, s, so, i) {
  const I = $IN[i], H = I[2], V = I[3], D = I[4];
  const T = $maxTs(a, b);
  const stored = $mk.st.length > 0;
  for (let k = 0; k < $mk.st.length; k++) {
    const slot = $mk.st[k];
    if ($mk.st.indexOf(slot) < k) continue; // stored twice: one new message
    const li = $LI[slot], m = b + $MEM + li * $MS, n = a[m + 1];
    a[m + 2 + 2 * n] = s[so + slot]; a[m + 3 + 2 * n] = a[m]; a[m + 1] = n + 1;
    a[m] = T + 1;
  }
  const v = stored ? T + 1 : T;
  a[b + V + ${VR_OLD}] = v; a[b + V + ${VR_NEW}] = v;
  if (stored) a[b + V + ${VW_OLD}] = v;
  for (const slot of $mk.rd) { const li = $LI[slot]; a[b + H + li] = $mx(a[b + H + li], v); }
  for (const slot of $mk.st) { const li = $LI[slot]; a[b + H + li] = $mx(a[b + H + li], v); }
  for (const at of $mk.lc) a[b + at + D] = v;
}
// The normal form (docs/memory-models.md): drop older messages nobody can read, keep at
// most K of them per location, renumber timestamps densely.
const $uniq = new Int32Array(${memTs.length + 1});
function $nm(a, b) {
  for (let li = 0; li < $L; li++) {
    const m = b + $MEM + li * $MS, n = a[m + 1];
    if (n === 0) continue;
    let minj = n;
    for (let i = 0; i < $NI; i++) {
      const I = $IN[i], F = $mx(a[b + I[2] + li], a[b + I[3] + ${VR_NEW}]);
      let j = n;
      while (j > 0 && $tsOf(a, m, n, j) > F) j--;
      if (j < minj) minj = j;
    }
    let drop = minj;
    if (n - drop > $K) drop = n - $K;
    if (drop === 0) continue;
    const left = n - drop;
    for (let j = 0; j < left; j++) { a[m + 2 + 2 * j] = a[m + 2 + 2 * (j + drop)]; a[m + 3 + 2 * j] = a[m + 3 + 2 * (j + drop)]; }
    for (let j = left; j <= $K; j++) { a[m + 2 + 2 * j] = $VAL0; a[m + 3 + 2 * j] = 0; }
    a[m + 1] = left;
    if (drop > minj) {
      const oldest = left > 0 ? a[m + 3] : a[m];
      for (let i = 0; i < $NI; i++) { const h = b + $IN[i][2] + li; if (a[h] < oldest) a[h] = oldest; }
    }
  }
  let u = 0;
  for (let k = 0; k < $TSS.length; k++) { const t = a[b + $TSS[k]]; if (t > 0) $uniq[u++] = t; }
  const sorted = $uniq.subarray(0, u).sort();
  let d = 0;
  for (let k = 0; k < u; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[d++] = sorted[k];
  if (d === 0 || sorted[d - 1] === d) return; // already dense
  for (let k = 0; k < $VWS.length; k++) {
    const at = b + $VWS[k], v = a[at];
    if (v === 0) continue;
    let r = 0;
    while (r < d && sorted[r] <= v) r++;
    a[at] = r;
  }
}
`;
}
