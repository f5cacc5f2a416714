// `mmucheck compile --emit ir|dot`: the per-instance automata in words or for Graphviz.
import type { TransitionSystem } from '../compile/system.ts';
import type { Edge } from '../compile/automaton.ts';
import { lineCol } from '../parse/source.ts';

function edgeLabel(e: Edge): string {
  const span = e.stmt.span;
  const line = lineCol(span.file, span.start).line;
  const text = span.file.text
    .slice(span.start, span.end)
    .split('\n')[0]
    .trim()
    .replace(/\s*\{$/, '');
  return `${line}: ${text}`;
}

export function renderIr(system: TransitionSystem): string {
  const out: string[] = [];
  const L = system.layout;
  out.push(`model ${system.model.name}: ${L.width} slots per state, ${L.instances.length} process instances, ${system.actions.length} actions`);
  out.push('layout:');
  L.slotNames.forEach((s, i) => out.push(`  [${i}] ${s.name}${s.type ? '' : ' (program counter)'}`));
  L.instances.forEach((inst, ii) => {
    const a = system.automata[ii];
    out.push(`instance ${inst.name}: ${a.nodes.length} program points, pc slot ${inst.pcSlot}`);
    for (const n of a.nodes) {
      const tags = [n.id === 0 ? 'initial' : '', n.terminal ? 'terminated' : '', ...n.labels.map((l) => `label ${l}`)].filter(Boolean);
      out.push(`  ${n.id}${tags.length ? ` (${tags.join(', ')})` : ''}`);
      for (const e of n.edges) {
        if (e.kind === 'cond') {
          out.push(`    ${edgeLabel(e)} [true] -> ${e.then}`);
          out.push(`    ${edgeLabel(e)} [false] -> ${e.else}`);
        } else out.push(`    ${e.kind === 'atomic' ? 'atomic ' : ''}${edgeLabel(e)} -> ${e.next}`);
      }
    }
  });
  return out.join('\n');
}

export function renderDot(system: TransitionSystem): string {
  const q = (s: string) => JSON.stringify(s);
  const out: string[] = [`digraph ${q(system.model.name)} {`, '  node [shape=circle, fontsize=10];', '  edge [fontsize=9];'];
  system.layout.instances.forEach((inst, ii) => {
    const a = system.automata[ii];
    out.push(`  subgraph ${q(`cluster_${ii}`)} {`, `    label=${q(inst.name)};`);
    for (const n of a.nodes) {
      const shape = n.terminal ? 'doublecircle' : 'circle';
      const label = [String(n.id), ...n.labels].join('\\n');
      out.push(`    ${q(`${ii}_${n.id}`)} [label="${label}", shape=${shape}];`);
      for (const e of n.edges) {
        if (e.kind === 'cond') {
          out.push(`    ${q(`${ii}_${n.id}`)} -> ${q(`${ii}_${e.then}`)} [label=${q(`${edgeLabel(e)} [true]`)}];`);
          out.push(`    ${q(`${ii}_${n.id}`)} -> ${q(`${ii}_${e.else}`)} [label=${q(`${edgeLabel(e)} [false]`)}];`);
        } else out.push(`    ${q(`${ii}_${n.id}`)} -> ${q(`${ii}_${e.next}`)} [label=${q(edgeLabel(e))}];`);
      }
    }
    out.push('  }');
  });
  out.push('}');
  return out.join('\n');
}
