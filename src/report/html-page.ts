// `--trace html`: a counterexample as one self-contained page. The interleaving is written
// here as HTML (a column per lane, a row per step), so it reads without the script; the
// trace's data goes in as JSON, and the script (html-script.ts, inlined from its compiled
// functions) adds the state panel and stepping. No file outside the page is referenced, and
// the page's content security policy forbids loading any.
import type { TransitionSystem } from '../compile/system.ts';
import type { Trace } from '../explore/replay.ts';
import type { HtmlStep, HtmlTrace } from './html-data.ts';
import * as pageScript from './html-script.ts';
import { PAGE_STYLE } from './html-style.ts';
import { htmlTrace } from './html-view.ts';
import type { TraceDocument } from './trace-document.ts';

export function htmlPage(system: TransitionSystem, trace: Trace, doc: TraceDocument): string {
  return renderPage(htmlTrace(system, trace, doc));
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The page script's functions as the running code has them compiled. A transpiler that keeps
 * function names (tsx, esbuild's keepNames) wraps inner functions in `__name(fn, "name")`, a
 * helper defined outside the function: the page defines it as the identity.
 */
function scriptText(entry: () => void, functions: readonly ((...args: never[]) => unknown)[]): string {
  return ['"use strict";', 'var __name = (f) => f;', ...functions.map((f) => f.toString()), `${entry.name}();`].join('\n');
}

export function renderPage(data: HtmlTrace): string {
  const functions = Object.values(pageScript) as ((...args: never[]) => unknown)[];
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const v = data.violation;
  const cycle = v.cycle
    ? data.steps.length > v.cycle.start
      ? `A lasso: steps ${v.cycle.start + 1}-${data.steps.length} repeat for ever${v.cycle.units.length ? `; fair units acting in the cycle: ${v.cycle.units.join(', ')}` : ''}.`
      : `A lasso: after step ${v.cycle.start} no step is enabled, and the run stays in that state for ever.`
    : undefined;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mmucheck ${escapeHtml(data.version)}">
<title>${escapeHtml(data.title)}</title>
<style>${PAGE_STYLE}</style>
<script>${scriptText(pageScript.reportScriptErrors, [pageScript.reportScriptErrors])}</script>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="sub">${escapeHtml(data.subtitle)}</p>
<p class="verdict" id="verdict">violated (${escapeHtml(v.kind)}): ${escapeHtml(v.headline)}</p>
${cycle ? `<p class="cycle" id="cycle">${escapeHtml(cycle)}</p>\n` : ''}<p class="keys">Select a step to see the whole state after it: click, or ↑/↓ (j/k), Home/End; the address keeps #step=N.</p>
</header>
<pre id="script-errors" hidden></pre>
<main>
<div class="trace-pane">
${stepsTable(data)}
</div>
<aside id="state" aria-live="polite"><noscript>The state panel needs JavaScript; the interleaving on the left does not.</noscript></aside>
</main>
<script type="application/json" id="trace-data">${json}</script>
<script>${scriptText(pageScript.startPage, functions)}</script>
</body>
</html>
`;
}

/** The interleaving: a column per lane, a row per step (and one for the initial state). */
function stepsTable(data: HtmlTrace): string {
  const lanes = data.lanes;
  const width = lanes.length + 2;
  const shown = shownKeys(data);
  const marks = markers(data);
  const rows: string[] = [];
  const marker = (k: number) => {
    for (const m of marks.get(k) ?? []) rows.push(`<tr class="marker"><td></td><td colspan="${width - 1}">${escapeHtml(m)}</td></tr>`);
  };
  rows.push(`<tr data-step="0" class="initial"><td class="num">0</td><td colspan="${width - 1}">initial state</td></tr>`);
  data.steps.forEach((step, k) => {
    marker(k);
    const cls = ['step'];
    if (step.failing) cls.push('failing');
    if (k === data.steps.length - 1) cls.push('last');
    if (data.violation.cycle && k >= data.violation.cycle.start) cls.push('in-cycle');
    const cells = lanes.map((lane, i) => {
      const laneCls = `lane${lane.kind === 'memory' ? ' memory' : ''}`;
      if (i !== step.lane) return `<td class="${laneCls}"></td>`;
      const who = lane.kind === 'memory' ? `${escapeHtml(step.process)}: ` : '';
      const notes = step.notes.map((n) => `<span class="note">${escapeHtml(n)}</span>`).join('');
      return `<td class="${laneCls} act"><code>${who}${escapeHtml(step.text)}</code><span class="loc" title="${escapeHtml(step.where)}">${escapeHtml(step.line)}</span>${notes}</td>`;
    });
    rows.push(
      `<tr data-step="${k + 1}" class="${cls.join(' ')}"><td class="num">${k + 1}</td>${cells.join('')}<td class="changes">${escapeHtml(changesText(step, shown))}</td></tr>`,
    );
  });
  marker(data.steps.length);
  const head = lanes.map((l) => `<th class="lane${l.kind === 'memory' ? ' memory' : ''}">${escapeHtml(l.name)}</th>`).join('');
  return `<table class="steps" id="steps">
<thead><tr><th class="num">#</th>${head}<th class="changes">changes</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** The keys the changes column lists: model locations and buffers (not program counters or bookkeeping). */
function shownKeys(data: HtmlTrace): Map<string, string> {
  const shown = new Map<string, string>();
  for (const g of data.groups) {
    if (g.kind === 'bookkeeping') continue;
    for (const r of g.rows) if (!r.key.endsWith('.pc')) shown.set(r.key, r.key);
  }
  return shown;
}

function changesText(step: HtmlStep, shown: Map<string, string>): string {
  const own = `${step.process}.`;
  return Object.entries(step.changes)
    .filter(([key]) => shown.has(key))
    .map(([key, value]) => `${key.startsWith(own) ? key.slice(own.length) : key}=${value}`)
    .join(' ');
}

/** For a lasso: the lines shown before step k (0-based; steps.length: after the last). */
function markers(data: HtmlTrace): Map<number, string[]> {
  const marks = new Map<number, string[]>();
  const v = data.violation;
  if (v.kind !== 'liveness') return marks;
  const add = (k: number, m: string) => marks.set(k, [...(marks.get(k) ?? []), m]);
  const n = data.steps.length;
  const d = v.cycle?.start ?? n;
  if (v.pAt !== undefined) add(v.pAt, `── P holds ${v.pAt === 0 ? 'in the initial state' : `after step ${v.pAt}`}; from here on Q never holds ──`);
  if (n > d) {
    const units = v.cycle?.units ?? [];
    add(d, `── cycle: steps ${d + 1}-${n} repeat for ever${units.length ? `; fair units acting: ${units.join(', ')}` : ''} ──`);
    add(n, `── end of cycle: back to the state ${d === 0 ? 'at the start' : `after step ${d}`} ──`);
  } else add(n, '── no step is enabled here: the run stays in this state for ever ──');
  return marks;
}
