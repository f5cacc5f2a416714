// The reachable graph, as liveness checking needs it: for every state (numbered in the order
// the breadth-first search found it) its outgoing edges in successor order, each with its
// target and the fair unit that takes it, and which temporal properties' P and Q hold there.
// Compact typed arrays: 4 bytes per state for where its edges start, 4 + 2 bytes per edge,
// 1 byte per state and property.
import type { Kernel } from '../compile/system.ts';

export interface StateGraph {
  readonly states: number;
  /** Edges of state s are edgeStart[s] .. edgeStart[s + 1] - 1, in successor order. */
  readonly edgeStart: Int32Array;
  readonly targets: Int32Array;
  /** The fair unit of each edge, -1 when it belongs to none (a step of an unfair process). */
  readonly units: Int16Array;
  /** Per state s and property k: props[s * propertyCount + k], bit 0 Q holds, bit 1 P holds. */
  readonly props: Uint8Array;
  readonly propertyCount: number;
  readonly unitCount: number;
  readonly bytes: number;
}

/** A growable typed array. */
class Log<T extends Int32Array | Int16Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = this.make(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  trimmed(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

export class GraphRecorder {
  private readonly starts = new Log(new Int32Array(1 << 12), (n) => new Int32Array(n));
  private readonly targets = new Log(new Int32Array(1 << 14), (n) => new Int32Array(n));
  private readonly units = new Log(new Int16Array(1 << 14), (n) => new Int16Array(n));
  private readonly props = new Log(new Uint8Array(1 << 12), (n) => new Uint8Array(n));
  private readonly bits: Uint8Array;

  constructor(
    private readonly kernel: Kernel,
    private readonly unitOf: Int32Array,
    private readonly propertyCount: number,
    private readonly unitCount: number,
  ) {
    this.bits = new Uint8Array(Math.max(1, propertyCount));
  }

  /** A new state, at s[so..]: which properties hold there. States come in number order. */
  state(s: Int32Array, so: number): void {
    if (this.propertyCount === 0) return;
    this.kernel.properties(s, so, this.bits);
    for (let k = 0; k < this.propertyCount; k++) this.props.push(this.bits[k]);
  }

  /** The state numbered `states expanded so far` is being expanded: its edges follow. */
  expanding(): void {
    this.starts.push(this.targets.length);
  }

  edge(target: number, action: number): void {
    this.targets.push(target);
    this.units.push(this.unitOf[action]);
  }

  get bytes(): number {
    return this.starts.data.byteLength + this.targets.data.byteLength + this.units.data.byteLength + this.props.data.byteLength;
  }

  /** The graph of `states` states, every one expanded. */
  finish(states: number): StateGraph {
    this.starts.push(this.targets.length);
    return {
      states,
      edgeStart: this.starts.trimmed(),
      targets: this.targets.trimmed(),
      units: this.units.trimmed(),
      props: this.props.trimmed(),
      propertyCount: this.propertyCount,
      unitCount: this.unitCount,
      bytes: this.bytes,
    };
  }
}
