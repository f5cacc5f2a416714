// Counterexample pages as a user makes them (through the CLI), and what a browser shows of
// them: shared by the browser tests, the DOM goldens and the README screenshot.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from './chromium.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');

export function mmucheck(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface PageCase {
  readonly name: string; // the golden is test/goldens/html/NAME.txt
  readonly args: readonly string[]; // `check` arguments, before --trace html --trace-out
}

/** The pages whose rendered text is pinned: sc with ghost state, arm with its memory lane, a lasso. */
export const PAGE_CASES: readonly PageCase[] = [
  { name: 'bbm-stage2-leaf-plainstore', args: ['models/bbm-stage2-leaf.mmu', '--const', 'BREAK=PlainStore'] },
  {
    name: 'bbm-stage2-leaf-b5-arm',
    args: ['models/bbm-stage2-leaf.mmu', '--memory', 'arm', '--const', 'BREAK=Exclusive', '--const', 'DSB_ISHST=false', '--invariant', 'no_use_after_free'],
  },
  { name: 'litmus-mp-dmb-st-po-arm', args: ['models/litmus/mp.mmu', '--memory', 'arm', '--const', 'LINK0=Wmb', '--const', 'LINK1=Po'] },
  { name: 'spinlock-fairness-tas', args: ['models/examples/spinlock-fairness.mmu'] },
];

/** Writes the page of a case to `file` with `check --trace html`; throws unless it found the violation. */
export function writePage(c: PageCase, file: string): void {
  const r = mmucheck(['check', ...c.args, '--workers', '1', '--trace', 'html', '--trace-out', file, '--force']);
  if (r.code !== 1) throw new Error(`check ${c.args.join(' ')} exited ${r.code}: ${r.stderr}`);
}

/** What a reader sees: the page's text as rendered, once its script has run. */
export async function renderedText(page: Page): Promise<string> {
  await page.evaluate(`new Promise((resolve) => { const wait = () => document.body.dataset.ready ? resolve(true) : setTimeout(wait, 20); wait(); })`);
  return `${(await page.evaluate<string>('document.body.innerText')).replace(/[ \t]+$/gm, '').trimEnd()}\n`;
}

/** The golden text of a case: its page opened in the browser (at the last step, as it opens). */
export async function goldenText(browser: Browser, c: PageCase, file: string): Promise<string> {
  writePage(c, file);
  const page = await browser.open(file);
  const text = await renderedText(page);
  if (page.errors.length) throw new Error(`script errors on ${c.name}: ${page.errors.join('\n')}`);
  return text;
}
