// Counterexample pages in a real browser: Debian's chromium, headless, driven over the
// DevTools protocol (chromium.ts). Pages are written through the CLI as a user writes them.
// Without chromium these tests are skipped, and the skip says why.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HtmlStep, HtmlTrace } from '../../src/report/html-data.ts';
import { renderPage } from '../../src/report/html-page.ts';
import { Browser, findChromium, NO_CHROMIUM, type Page } from './chromium.ts';
import { goldenText, mmucheck, PAGE_CASES, ROOT, renderedText, writePage } from './pages.ts';

const executable = findChromium();
if (!executable) console.warn(`test/html/page.test.ts: ${NO_CHROMIUM}`);
const suite = executable ? describe : describe.skip;
const TIMEOUT = 240_000; // generous: the machine is shared and slow; nothing here measures speed

suite(executable ? 'counterexample pages in headless Chromium' : `counterexample pages in headless Chromium (skipped: ${NO_CHROMIUM})`, () => {
  let browser: Browser;
  let dir: string;
  const [sc, b5arm, mp, lasso] = PAGE_CASES;
  const pages: Record<string, string> = {};

  beforeAll(() => {
    browser = Browser.launch(executable!);
    dir = mkdtempSync(join(tmpdir(), 'mmucheck-html-'));
    for (const c of PAGE_CASES) {
      pages[c.name] = join(dir, `${c.name}.html`);
      writePage(c, pages[c.name]);
    }
  }, TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  const data = (file: string): HtmlTrace => {
    const m = /<script type="application\/json" id="trace-data">(.*?)<\/script>/s.exec(readFileSync(file, 'utf8'));
    return JSON.parse(m![1]) as HtmlTrace;
  };
  const open = async (file: string, hash?: string): Promise<Page> => {
    const page = await browser.open(file, { hash });
    await renderedText(page); // waits until the script has run
    return page;
  };
  const selected = (page: Page) => page.evaluate<string>('document.body.dataset.selected');
  const panel = (page: Page) => page.evaluate<string>('document.getElementById("state").innerText');
  const changedKeys = (page: Page) => page.evaluate<string[]>('Array.from(document.querySelectorAll("#state tr.changed")).map((r) => r.dataset.key)');

  it(
    'loads with no script error and shows every step and every lane',
    async () => {
      for (const c of PAGE_CASES) {
        const page = await open(pages[c.name]);
        expect(page.errors, c.name).toEqual([]);
        expect(await page.evaluate<boolean>('document.getElementById("script-errors").hidden'), c.name).toBe(true);
        const d = data(pages[c.name]);
        const lanes = await page.evaluate<string[]>('Array.from(document.querySelectorAll("#steps thead th.lane")).map((th) => th.textContent)');
        expect(lanes, c.name).toEqual(d.lanes.map((l) => l.name));
        const rows = await page.evaluate<{ step: string; lane: number; text: string }[]>(`Array.from(document.querySelectorAll('#steps tr.step')).map((tr) => {
          const cells = Array.from(tr.querySelectorAll('td.lane'));
          const lane = cells.findIndex((td) => td.classList.contains('act'));
          return { step: tr.dataset.step, lane, text: cells[lane].querySelector('code').textContent };
        })`);
        expect(rows.length, c.name).toBe(d.steps.length);
        rows.forEach((r, k) => {
          const step: HtmlStep = d.steps[k];
          expect(r.step).toBe(String(k + 1));
          expect(r.lane).toBe(step.lane);
          expect(r.text.endsWith(step.text)).toBe(true);
        });
      }
    },
    TIMEOUT,
  );

  it(
    'the page of bbm-stage2-leaf BREAK=PlainStore has a lane per instance and the statements as written',
    async () => {
      const page = await open(pages[sc.name]);
      const text = await page.evaluate<string>('document.body.innerText');
      for (const lane of ['hw[0]', 'hw[1]', 'host', 'walker[0]', 'walker[1]']) expect(text).toContain(lane);
      expect(text).toContain('old = READ_ONCE(pte);');
      expect(text).toContain('atomic { WRITE_ONCE(pte, Locked); owners = owners + 1; seen = old; }');
      expect(text).toContain('invariant exclusive_ownership (owners <= 1 && (pte == Locked => owners == 1)) is false after step 6');
    },
    TIMEOUT,
  );

  it(
    'opens at the last step, whose panel shows the violating values highlighted',
    async () => {
      const page = await open(pages[sc.name]);
      expect(await selected(page)).toBe('6');
      const state = await panel(page);
      // The plain break's line, read from the model (it moves when the model's header does).
      const breakLine =
        readFileSync(join(ROOT, 'models/bbm-stage2-leaf.mmu'), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('atomic { WRITE_ONCE(pte, Locked); owners')) + 1;
      expect(state).toContain(`state after step 6 of 6: walker[1], bbm-stage2-leaf.mmu:${breakLine}`);
      expect(state).toMatch(/owners\s+2 was 1/);
      expect(state).toMatch(/pte\s+Locked/);
      expect(await changedKeys(page)).toEqual(['owners', 'walker[1].pc', 'walker[1].seen']);
      // The groups the issue asks for, in order.
      const titles = await page.evaluate<string[]>('Array.from(document.querySelectorAll("#state .group > h3")).map((h) => h.textContent)');
      expect(titles).toEqual(['shared memory', 'ghost state', 'hw[0]', 'hw[1]', 'host', 'walker[0]', 'walker[1]']);
    },
    TIMEOUT,
  );

  it(
    'steps with the arrow keys, j/k, Home and End, and by clicking a row; the address follows',
    async () => {
      const page = await open(pages[sc.name]);
      await page.press('ArrowUp');
      expect(await selected(page)).toBe('5');
      expect(await changedKeys(page)).toEqual(['walker[1].pc']);
      await page.press('k');
      expect(await selected(page)).toBe('4');
      expect(await panel(page)).toMatch(/pte\s+Locked was MapA/);
      await page.press('Home');
      expect(await selected(page)).toBe('0');
      expect(await panel(page)).toMatch(/initial state/);
      await page.press('ArrowUp');
      expect(await selected(page)).toBe('0');
      await page.press('j');
      await page.press('ArrowDown');
      expect(await selected(page)).toBe('2');
      await page.click('tr[data-step="3"]');
      expect(await selected(page)).toBe('3');
      expect(await page.evaluate<string>('location.hash')).toBe('#step=3');
      await page.press('End');
      expect(await selected(page)).toBe('6');
      expect(page.errors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'opens at the step the address names',
    async () => {
      const page = await open(pages[sc.name], 'step=2');
      expect(await selected(page)).toBe('2');
      expect(await panel(page)).toMatch(/state after step 2 of 6: walker\[0\]/);
    },
    TIMEOUT,
  );

  it(
    'under arm: a lane for the commits, the store buffers, and a load that read an older value says so',
    async () => {
      const page = await open(pages[mp.name]);
      expect(await page.evaluate<string[]>('Array.from(document.querySelectorAll("#steps thead th.lane")).map((th) => th.textContent)')).toEqual([
        'p0',
        'p1',
        'memory (commits)',
      ]);
      const commits = await page.evaluate<string[]>('Array.from(document.querySelectorAll("#steps td.lane.memory.act code")).map((c) => c.textContent)');
      expect(commits).toEqual(['p0: (commit) a buffered store -> memory', 'p0: (commit) a buffered store -> memory']);
      const state = await panel(page);
      expect(state).toMatch(/read an older value of x\[0\]: memory holds 1, a store p1 does not see yet/);
      expect(state).toMatch(/r1\s+0/);
      await page.press('Home');
      await page.press('ArrowDown');
      await page.press('ArrowDown');
      expect(await panel(page)).toMatch(/p0\s+\[x\[0\]=1 \|\] was \[x\[0\]=1\]/);
      const arm = await open(pages[b5arm.name]);
      expect(await arm.evaluate<string[]>('Array.from(document.querySelectorAll("#state .group > h3")).map((h) => h.textContent)')).toContain(
        'store buffers (pending stores, oldest first)',
      );
    },
    TIMEOUT,
  );

  it(
    'a liveness lasso: the cycle is marked and the page names the fair units acting in it',
    async () => {
      const page = await open(pages[lasso.name]);
      const text = await page.evaluate<string>('document.body.innerText');
      expect(text).toContain('A lasso: steps 1-2 repeat for ever; fair units acting in the cycle: p[0].');
      expect(text).toContain('── cycle: steps 1-2 repeat for ever; fair units acting: p[0] ──');
      expect(await page.evaluate<number>('document.querySelectorAll("#steps tr.in-cycle").length')).toBe(2);
      expect(await panel(page)).toMatch(/in the cycle \(steps 1-2 repeat for ever\)/);
    },
    TIMEOUT,
  );

  it(
    'renders what the golden files hold (test/goldens/html; npm run goldens rewrites them)',
    async () => {
      for (const c of PAGE_CASES) {
        const expected = readFileSync(join(ROOT, 'test/goldens/html', `${c.name}.txt`), 'utf8');
        expect(await goldenText(browser, c, join(dir, `golden-${c.name}.html`)), c.name).toBe(expected);
      }
    },
    TIMEOUT,
  );

  it(
    'a 200-step trace scrolls under pinned lane headers, and End brings the last step into view',
    async () => {
      const steps: HtmlStep[] = Array.from({ length: 200 }, (_, k) => ({
        index: k + 1,
        lane: k % 3,
        process: k % 3 === 2 ? 'p0' : `p${k % 3}`,
        text: k % 3 === 2 ? '(commit) a buffered store -> memory' : `x = ${k};`,
        where: `long.mmu:${10 + (k % 7)}`,
        line: `line ${10 + (k % 7)}`,
        failing: false,
        changes: { x: String(k) },
        notes: [],
      }));
      const long: HtmlTrace = {
        title: 'long: invariant x_small violated',
        subtitle: 'long.mmu, memory arm',
        version: 'test',
        violation: { kind: 'invariant', property: 'x_small', headline: 'invariant x_small (x < 199) is false after step 200', message: '' },
        lanes: [
          { name: 'p0', kind: 'process' },
          { name: 'p1', kind: 'process' },
          { name: 'memory (commits)', kind: 'memory' },
        ],
        groups: [{ title: 'shared memory', kind: 'shared', rows: [{ key: 'x', label: 'x' }] }],
        initial: { x: '0' },
        steps,
      };
      const file = join(dir, 'long.html');
      writeFileSync(file, renderPage(long));
      const page = await open(file, 'step=0');
      const geometry = () =>
        page.evaluate<{ scrollTop: number; head: number; pane: number; row: number; paneBottom: number }>(`(() => {
          const pane = document.querySelector('.trace-pane');
          const row = document.querySelector('tr.selected').getBoundingClientRect();
          return { scrollTop: pane.scrollTop, head: document.querySelector('#steps thead th').getBoundingClientRect().top,
                   pane: pane.getBoundingClientRect().top, row: row.bottom, paneBottom: pane.getBoundingClientRect().bottom };
        })()`);
      expect((await geometry()).scrollTop).toBe(0);
      await page.press('End');
      expect(await selected(page)).toBe('200');
      const g = await geometry();
      expect(g.scrollTop).toBeGreaterThan(0); // the pane scrolled
      expect(Math.abs(g.head - g.pane)).toBeLessThan(2); // the headers stayed at its top
      expect(g.row).toBeLessThanOrEqual(g.paneBottom + 1); // and the last step is in view
      expect(await panel(page)).toMatch(/x\s+199 was 198/);
      expect(page.errors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'mmucheck test --trace-dir writes one page per failing check, and each opens',
    async () => {
      const specDir = join(dir, 'specs');
      const out = join(dir, 'out');
      rmSync(specDir, { recursive: true, force: true });
      const spec = {
        model: join(ROOT, 'models/bbm-stage2-leaf.mmu'),
        checks: [
          { name: 'plain store break, wrongly expected to pass', const: { BREAK: 'PlainStore' }, expect: { verdict: 'pass' } },
          { name: 'upstream', expect: { verdict: 'pass', states: 422 } },
          { name: 'plain store break', const: { BREAK: 'PlainStore' }, expect: { verdict: 'violation', depth: 6 } },
          { name: 'plain store break, wrong depth', const: { BREAK: 'PlainStore' }, expect: { verdict: 'violation', depth: 5 } },
        ],
      };
      mkdirSync(specDir, { recursive: true });
      writeFileSync(join(specDir, 'bbm.json'), JSON.stringify(spec));
      const r = mmucheck(['test', specDir, '--workers', '1', '--trace-dir', out]);
      expect(r.code).toBe(1);
      expect(readdirSync(out).sort()).toEqual(['bbm--plain-store-break-wrong-depth.html', 'bbm--plain-store-break-wrongly-expected-to-pass.html']);
      expect(r.stdout).toContain(`counterexample page: ${join(out, 'bbm--plain-store-break-wrong-depth.html')}`);
      for (const f of readdirSync(out)) {
        const page = await open(join(out, f));
        expect(page.errors).toEqual([]);
        expect(await selected(page)).toBe('6');
      }
    },
    TIMEOUT,
  );
});
