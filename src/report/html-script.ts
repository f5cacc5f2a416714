/// <reference lib="dom" />
// The script of a counterexample page, run by the browser. html-page.ts inlines every function
// exported here into the page (their compiled text, in this order) and calls `startPage()`;
// so each function may use only its own code, the other functions of this file and the
// browser, never an import or a module-level value. Types come from html-data.ts.
//
// What it does: the page's HTML already holds the whole interleaving (one row per step, one
// column per lane); this script adds the state panel for the selected step (the whole state
// after it, the values it changed highlighted), selection by click, arrow keys, j/k,
// Home/End, and `#step=N` in the address to open the page at a step.
import type { HtmlGroup, HtmlTrace } from './html-data.ts';

/** Shows any script error on the page itself, so that a broken page says so (tests read it). */
export function reportScriptErrors(): void {
  window.addEventListener('error', (e: ErrorEvent) => {
    const box = document.getElementById('script-errors');
    if (!box) return;
    box.hidden = false;
    box.textContent += `script error: ${e.message} (${e.filename}:${e.lineno})\n`;
  });
}

/** The state after each step (index 0: the initial state); a failing step has none of its own. */
export function statesOf(data: HtmlTrace): Record<string, string>[] {
  const states = [data.initial];
  let state = data.initial;
  for (const step of data.steps) {
    state = { ...state, ...step.changes };
    states.push(state);
  }
  return states;
}

/** `#step=N` in the address: the selection to open with (the last step when absent or wrong). */
export function stepFromHash(hash: string, steps: number): number {
  const m = /^#step=(\d+)$/.exec(hash);
  if (!m) return steps;
  return Math.min(Number(m[1]), steps);
}

/** Where a key moves the selection from `current` (0..steps), or null when it does not. */
export function moveSelection(key: string, current: number, steps: number): number | null {
  switch (key) {
    case 'ArrowDown':
    case 'j':
      return Math.min(current + 1, steps);
    case 'ArrowUp':
    case 'k':
      return Math.max(current - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return steps;
    default:
      return null;
  }
}

/** One box of the state panel: each location with its value, the step's changes marked. */
export function groupElement(group: HtmlGroup, state: Record<string, string>, before: Record<string, string>, changes: Record<string, string>): HTMLElement {
  const box = document.createElement(group.kind === 'bookkeeping' ? 'details' : 'section');
  box.className = `group ${group.kind}`;
  const title = document.createElement(group.kind === 'bookkeeping' ? 'summary' : 'h3');
  title.textContent = group.title;
  box.append(title);
  const table = document.createElement('table');
  for (const row of group.rows) {
    const tr = document.createElement('tr');
    const name = document.createElement('th');
    name.textContent = row.label;
    const value = document.createElement('td');
    value.textContent = state[row.key] ?? '';
    if (row.key in changes) {
      tr.className = 'changed';
      value.title = `was ${before[row.key]}`;
      const was = document.createElement('span');
      was.className = 'was';
      was.textContent = `was ${before[row.key]}`;
      value.append(' ', was);
    }
    tr.dataset.key = row.key;
    tr.append(name, value);
    table.append(tr);
  }
  box.append(table);
  return box;
}

/** The panel for selection k: what the step was, its notes, and the whole state after it. */
export function renderPanel(data: HtmlTrace, states: Record<string, string>[], k: number, panel: HTMLElement): void {
  const step = k > 0 ? data.steps[k - 1] : undefined;
  const wasOpen = panel.querySelector('details.bookkeeping')?.hasAttribute('open') ?? false;
  panel.replaceChildren();
  const head = document.createElement('h2');
  head.id = 'selected-step';
  head.textContent = step
    ? `${step.failing ? 'state before' : 'state after'} step ${k} of ${data.steps.length}: ${step.process}, ${step.where}`
    : `initial state (${data.steps.length} steps follow)`;
  panel.append(head);
  if (step) {
    const stmt = document.createElement('pre');
    stmt.className = 'statement';
    stmt.textContent = step.text;
    panel.append(stmt);
  }
  const notes = [...(step?.notes ?? [])];
  const cycle = data.violation.cycle;
  if (cycle && k > cycle.start) notes.push(`in the cycle (steps ${cycle.start + 1}-${data.steps.length} repeat for ever)`);
  if (k === data.steps.length) notes.push(`violated: ${data.violation.headline}`);
  for (const n of notes) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = n;
    panel.append(p);
  }
  const changes = step?.changes ?? {};
  for (const g of data.groups) {
    if (!g.rows.length) continue;
    const box = groupElement(g, states[k], states[Math.max(k - 1, 0)], changes);
    if (g.kind === 'bookkeeping' && wasOpen) box.setAttribute('open', '');
    panel.append(box);
  }
}

export function startPage(): void {
  const source = document.getElementById('trace-data');
  const panel = document.getElementById('state');
  if (!source || !panel) throw new Error('the page has no trace data or no state panel');
  const data = JSON.parse(source.textContent ?? '') as HtmlTrace;
  const states = statesOf(data);
  const rows = Array.from(document.querySelectorAll<HTMLTableRowElement>('tr[data-step]'));
  const n = data.steps.length;
  let selected = -1;

  const select = (k: number, scroll: boolean) => {
    if (k === selected) return;
    rows[selected]?.classList.remove('selected');
    rows[selected]?.removeAttribute('aria-selected');
    selected = k;
    rows[k].classList.add('selected');
    rows[k].setAttribute('aria-selected', 'true');
    if (scroll) rows[k].scrollIntoView({ block: 'nearest' });
    renderPanel(data, states, k, panel);
    document.body.dataset.selected = String(k);
    if (location.hash !== `#step=${k}`) history.replaceState(null, '', `#step=${k}`);
  };

  for (const row of rows) row.addEventListener('click', () => select(Number(row.dataset.step), false));
  document.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const to = moveSelection(e.key, selected, n);
    if (to === null) return;
    e.preventDefault();
    select(to, true);
  });
  window.addEventListener('hashchange', () => select(stepFromHash(location.hash, n), true));
  select(stepFromHash(location.hash, n), true);
  document.body.dataset.ready = 'true';
}
