// The stylesheet of a counterexample page (inlined: the page is one file that works offline).
// Two panes: the interleaving on the left, scrolling under its pinned lane headers, and the
// state at the selected step on the right.
export const PAGE_STYLE = `
:root { --fg: #1b1f24; --muted: #626b75; --line: #d7dce1; --sel: #fff1b8; --chg: #d3f2d8; --bad: #b42318; --cyc: #e6f0ff; --mem: #f6f3fb; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); display: flex; flex-direction: column; }
code, pre, .mono, td.lane, .group td { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
header { padding: 8px 14px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0 0 2px; }
header .sub { color: var(--muted); margin: 0; }
header .verdict { color: var(--bad); font-weight: 600; margin: 4px 0 0; }
header .cycle { margin: 2px 0 0; }
header .keys { color: var(--muted); margin: 2px 0 0; font-size: 12px; }
#script-errors { background: #fde8e8; color: var(--bad); margin: 0; padding: 6px 14px; white-space: pre-wrap; }
main { flex: 1; display: flex; min-height: 0; }
.trace-pane { flex: 1 1 66%; overflow: auto; border-right: 1px solid var(--line); }
#state { flex: 1 1 34%; overflow: auto; padding: 8px 14px; }
table.steps { border-collapse: separate; border-spacing: 0; width: max-content; min-width: 100%; }
table.steps th { position: sticky; top: 0; background: #f3f5f7; z-index: 1; text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.steps th.memory { background: #ece6f6; }
table.steps td { padding: 3px 8px; border-bottom: 1px solid #eef0f2; vertical-align: top; }
table.steps td.num { color: var(--muted); text-align: right; width: 2.5em; }
table.steps td.lane { min-width: 10ch; }
table.steps td.lane.memory { background: var(--mem); }
table.steps td.act code { display: block; max-width: 26ch; white-space: pre-wrap; }
table.steps .loc { display: block; color: var(--muted); font-size: 11px; white-space: nowrap; }
table.steps td.changes { min-width: 16ch; max-width: 36ch; color: #24603a; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
table.steps tr[data-step] { cursor: pointer; }
table.steps tr[data-step]:hover td { background: #f7f9fb; }
table.steps tr.selected td { background: var(--sel) !important; }
table.steps tr.failing td.act, table.steps tr.last td.act { color: var(--bad); font-weight: 600; }
table.steps tr.in-cycle td.num { background: var(--cyc); border-left: 3px solid #3b82f6; }
table.steps tr.marker td { color: #1d4ed8; background: var(--cyc); font-style: italic; }
table.steps .note { color: #9a3412; display: block; max-width: 26ch; font-size: 11px; }
#state h2 { font-size: 14px; margin: 0 0 4px; }
#state pre.statement { margin: 0 0 6px; padding: 4px 6px; background: #f3f5f7; white-space: pre-wrap; }
#state p.note { margin: 2px 0; color: #9a3412; }
.group { margin: 8px 0; }
.group h3, .group summary { font-size: 12px; margin: 0 0 2px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
.group table { border-collapse: collapse; }
.group th { text-align: left; font-weight: normal; padding: 1px 12px 1px 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.group td { padding: 1px 4px; }
.group tr.changed td, .group tr.changed th { background: var(--chg); font-weight: 600; }
.group .was { color: var(--muted); font-weight: normal; font-size: 11px; }
`;
