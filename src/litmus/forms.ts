// The kernel primitives a litmus test may call, and the form of the model language each
// becomes. The language keeps the kernel's names for its ordering forms (docs/language.md,
// "Ordering of the kernel's primitives"), so most entries map a name to itself.
//
// `AVAILABLE` lists the language's operations that this version of mmucheck has. A form whose
// operation is missing is reported as "not supported yet" at its place; once the language has
// it, adding its name to `AVAILABLE` is the whole change.

/** Operations of the model language that litmus forms translate to, as this version has them. */
export const AVAILABLE: ReadonlySet<string> = new Set([
  'READ_ONCE',
  'WRITE_ONCE',
  'smp_load_acquire',
  'smp_store_release',
  'xchg',
  'cmpxchg',
  'fetch_add',
  'fetch_sub',
  'smp_mb',
  'smp_rmb',
  'smp_wmb',
  'spin_lock',
  'spin_unlock',
  'spin_is_locked',
  'rcu_read_lock',
  'rcu_read_unlock',
  'synchronize_rcu',
  ...['xchg', 'cmpxchg', 'fetch_add', 'fetch_sub'].flatMap((op) => ['_relaxed', '_acquire', '_release'].map((s) => op + s)),
  'atomic_inc',
  'atomic_dec',
  'atomic_add',
  'atomic_sub',
  'smp_mb__before_atomic',
  'smp_mb__after_atomic',
  'atomic_add_unless',
  'spin_trylock',
]);

/** How an argument names a location: `*x` (READ_ONCE) or the pointer `x` (smp_load_acquire). */
export type LocArg = 'lvalue' | 'pointer';

export type Form =
  | { readonly kind: 'load'; readonly loc: LocArg; readonly mmu: string }
  | { readonly kind: 'store'; readonly loc: LocArg; readonly mmu: string }
  /**
   * A read-modify-write: `mmu(location, operands...)`. `loc` is the index of the location
   * argument; `operands` the indices of the other arguments in the language's order, or a
   * constant. `result` says what the kernel's form returns: the old value, the new one (old
   * plus or minus the operand), whether it stored (1 or 0), or nothing. `values` are the
   * operands compared with or stored to the location (shifted as its values are); the others
   * are amounts added.
   */
  | {
      readonly kind: 'rmw';
      readonly loc: number;
      readonly operands: readonly (number | { readonly constant: number })[];
      readonly result: 'old' | 'new' | 'bool' | 'none';
      readonly sign: 1 | -1; // for result 'new': old + sign * operand
      readonly mmu: string;
    }
  | { readonly kind: 'fence'; readonly mmu: string }
  | { readonly kind: 'lock'; readonly mmu: 'spin_lock' | 'spin_unlock' | 'spin_is_locked' | 'spin_trylock' }
  | { readonly kind: 'rcu'; readonly mmu: 'rcu_read_lock' | 'rcu_read_unlock' | 'synchronize_rcu' }
  /** Known to the kernel, with no counterpart planned in the language: why. */
  | { readonly kind: 'unsupported'; readonly why: string };

const FORMS = new Map<string, Form>();
const SUFFIXES = ['', '_relaxed', '_acquire', '_release'] as const;

function rmw(name: string, mmuBase: string, loc: number, operands: (number | { constant: number })[], result: 'old' | 'new' | 'none', sign: 1 | -1 = 1) {
  for (const s of SUFFIXES) FORMS.set(name + s, { kind: 'rmw', loc, operands, result, sign, mmu: mmuBase + s });
}

FORMS.set('READ_ONCE', { kind: 'load', loc: 'lvalue', mmu: 'READ_ONCE' });
FORMS.set('rcu_dereference', { kind: 'load', loc: 'lvalue', mmu: 'READ_ONCE' }); // a once load; its address dependency orders
FORMS.set('atomic_read', { kind: 'load', loc: 'pointer', mmu: 'READ_ONCE' });
FORMS.set('smp_load_acquire', { kind: 'load', loc: 'pointer', mmu: 'smp_load_acquire' });
FORMS.set('atomic_read_acquire', { kind: 'load', loc: 'pointer', mmu: 'smp_load_acquire' });
FORMS.set('WRITE_ONCE', { kind: 'store', loc: 'lvalue', mmu: 'WRITE_ONCE' });
FORMS.set('atomic_set', { kind: 'store', loc: 'pointer', mmu: 'WRITE_ONCE' });
FORMS.set('smp_store_release', { kind: 'store', loc: 'pointer', mmu: 'smp_store_release' });
FORMS.set('atomic_set_release', { kind: 'store', loc: 'pointer', mmu: 'smp_store_release' });
FORMS.set('rcu_assign_pointer', { kind: 'store', loc: 'lvalue', mmu: 'smp_store_release' }); // a release store (LKMM)

rmw('xchg', 'xchg', 0, [1], 'old');
rmw('atomic_xchg', 'xchg', 0, [1], 'old');
rmw('cmpxchg', 'cmpxchg', 0, [1, 2], 'old');
rmw('atomic_cmpxchg', 'cmpxchg', 0, [1, 2], 'old');
rmw('atomic_fetch_add', 'fetch_add', 1, [0], 'old');
rmw('atomic_fetch_sub', 'fetch_sub', 1, [0], 'old');
rmw('atomic_fetch_inc', 'fetch_add', 0, [{ constant: 1 }], 'old');
rmw('atomic_fetch_dec', 'fetch_sub', 0, [{ constant: 1 }], 'old');
rmw('atomic_add_return', 'fetch_add', 1, [0], 'new');
rmw('atomic_sub_return', 'fetch_sub', 1, [0], 'new', -1);
rmw('atomic_inc_return', 'fetch_add', 0, [{ constant: 1 }], 'new');
rmw('atomic_dec_return', 'fetch_sub', 0, [{ constant: 1 }], 'new', -1);
// The non-returning atomics are unordered in the kernel: the language's own forms.
FORMS.set('atomic_inc', { kind: 'rmw', loc: 0, operands: [], result: 'none', sign: 1, mmu: 'atomic_inc' });
FORMS.set('atomic_dec', { kind: 'rmw', loc: 0, operands: [], result: 'none', sign: 1, mmu: 'atomic_dec' });
FORMS.set('atomic_add', { kind: 'rmw', loc: 1, operands: [0], result: 'none', sign: 1, mmu: 'atomic_add' });
FORMS.set('atomic_sub', { kind: 'rmw', loc: 1, operands: [0], result: 'none', sign: 1, mmu: 'atomic_sub' });

for (const f of ['smp_mb', 'smp_rmb', 'smp_wmb', 'smp_mb__before_atomic', 'smp_mb__after_atomic']) FORMS.set(f, { kind: 'fence', mmu: f });
// arm64: smp_mb(); x86: the lock is already a full barrier, and smp_mb() adds nothing there.
FORMS.set('smp_mb__after_spinlock', { kind: 'fence', mmu: 'smp_mb' });
FORMS.set('spin_lock', { kind: 'lock', mmu: 'spin_lock' });
FORMS.set('spin_unlock', { kind: 'lock', mmu: 'spin_unlock' });
FORMS.set('spin_is_locked', { kind: 'lock', mmu: 'spin_is_locked' });
FORMS.set('rcu_read_lock', { kind: 'rcu', mmu: 'rcu_read_lock' });
FORMS.set('rcu_read_unlock', { kind: 'rcu', mmu: 'rcu_read_unlock' });
FORMS.set('synchronize_rcu', { kind: 'rcu', mmu: 'synchronize_rcu' });
// atomic_add_unless(v, a, u): adds a unless v == u; returns whether it added (no suffixes).
FORMS.set('atomic_add_unless', { kind: 'rmw', loc: 0, operands: [1, 2], result: 'bool', sign: 1, mmu: 'atomic_add_unless' });
FORMS.set('spin_trylock', { kind: 'lock', mmu: 'spin_trylock' });
FORMS.set('smp_mb__after_unlock_lock', { kind: 'unsupported', why: 'it is not part of the Linux kernel memory model any more' });

export function formOf(name: string): Form | undefined {
  return FORMS.get(name);
}

/** The language operation a form needs (null: none, it is written with the library). */
export function operationOf(f: Form): string | null {
  return f.kind === 'unsupported' ? null : f.mmu;
}
