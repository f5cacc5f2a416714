// What a counterexample page carries: plain data, embedded in the page as JSON, that the
// page's script (html-script.ts) reads. Built by html-view.ts from a trace document; every
// value is already text as the model writes it, so the page does no interpretation.

/** A column of the interleaving: a process instance, or the memory system's own steps. */
export interface HtmlLane {
  readonly name: string;
  readonly kind: 'process' | 'memory';
}

/** One location shown in the state panel: its key in the states, and its label there. */
export interface HtmlRow {
  readonly key: string;
  readonly label: string;
}

/** A box of the state panel. */
export interface HtmlGroup {
  readonly title: string;
  readonly kind: 'shared' | 'ghost' | 'buffers' | 'instance' | 'bookkeeping';
  readonly rows: readonly HtmlRow[];
}

export interface HtmlStep {
  readonly index: number; // 1-based
  readonly lane: number; // index into lanes
  readonly process: string; // the instance that acted (for a memory step: on whose behalf)
  readonly text: string; // the statement as written, with the outcome of a condition
  readonly where: string; // file:line
  readonly line: string; // the line, with the file's name when it is not the model's main file
  readonly failing: boolean;
  /** Display values that this step changed (nothing for a failing step). */
  readonly changes: Readonly<Record<string, string>>;
  /** What a reader should know about this step (e.g. a load that read an older value). */
  readonly notes: readonly string[];
}

export interface HtmlTrace {
  readonly title: string;
  readonly subtitle: string; // constants, memory model, origin
  readonly version: string;
  readonly violation: {
    readonly kind: string;
    readonly property: string;
    readonly headline: string; // "invariant no_stale_translation (…) is false after step 7"
    readonly message: string;
    /** A lasso: the 0-based index of the first step of the cycle, and the fair units in it. */
    readonly cycle?: { readonly start: number; readonly units: readonly string[] };
    /** `P ~> Q`: after how many steps P held. */
    readonly pAt?: number;
  };
  readonly lanes: readonly HtmlLane[];
  readonly groups: readonly HtmlGroup[];
  readonly initial: Readonly<Record<string, string>>;
  readonly steps: readonly HtmlStep[];
}
