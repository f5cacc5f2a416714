// A headless Chromium driven over the DevTools protocol through a pipe (--remote-debugging-pipe:
// the browser reads NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4).
// It is what Puppeteer and Playwright do underneath; the few commands the page tests need
// (open a file, evaluate, press keys, click, screenshot, collect script errors) fit in this
// file, so the tests need no browser library. Chromium comes from the system (Debian's
// `chromium`); when it is missing, `findChromium()` says so and the tests are skipped.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser to drive: $CHROMIUM, else the first of the usual paths that exists. */
export function findChromium(): string | undefined {
  const env = process.env.CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

export const NO_CHROMIUM = 'chromium is not installed (apt-get install chromium, or set CHROMIUM=/path/to/chrome): the browser tests are skipped';

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

type Event = { method: string; params: Record<string, unknown>; sessionId?: string };

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((e: Event) => void)[] = [];
  private buffer = '';
  private exited = false;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly profile: string,
  ) {
    const out = proc.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf('\0');
      while (end >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } } & Event;
        this.buffer = this.buffer.slice(end + 1);
        if (msg.id !== undefined) {
          const p = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          if (msg.error) p?.reject(new Error(`${msg.error.message}`));
          else p?.resolve(msg.result ?? {});
        } else for (const l of this.listeners) l(msg);
        end = this.buffer.indexOf('\0');
      }
    });
    proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static launch(executable: string): Browser {
    const profile = mkdtempSync(join(tmpdir(), 'mmucheck-chromium-'));
    const args = [
      '--headless',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      '--no-sandbox', // CI containers run as root, where the sandbox cannot start
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      '--disable-background-networking',
      '--hide-scrollbars',
      '--mute-audio',
      'about:blank',
    ];
    const proc = spawn(executable, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    return new Browser(proc, profile);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error('chromium exited'));
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.proc.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  on(listener: (e: Event) => void): void {
    this.listeners.push(listener);
  }

  /** A new tab showing `file` (a path on disk), once its load event fired. */
  async open(file: string, options: { hash?: string; width?: number; height?: number } = {}): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    this.on((e) => {
      if (e.sessionId === sessionId) page.observe(e);
    });
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Emulation.setDeviceMetricsOverride', {
      width: options.width ?? 1200,
      height: options.height ?? 800,
      deviceScaleFactor: 1,
      mobile: false,
    });
    const loaded = page.next('Page.loadEventFired');
    const url = pathToFileURL(file).href + (options.hash ? `#${options.hash}` : '');
    await page.send('Page.navigate', { url });
    await loaded;
    return page;
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise((r) => this.proc.once('exit', r));
      this.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  /** Uncaught exceptions and console.error messages, in order. */
  readonly errors: string[] = [];
  private readonly waiting: { method: string; resolve(p: Record<string, unknown>): void }[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  observe(e: Event): void {
    if (e.method === 'Runtime.exceptionThrown') {
      const d = e.params.exceptionDetails as { text: string; exception?: { description?: string } };
      this.errors.push(d.exception?.description ?? d.text);
    } else if (e.method === 'Runtime.consoleAPICalled' && e.params.type === 'error') {
      this.errors.push((e.params.args as { value?: unknown; description?: string }[]).map((a) => String(a.value ?? a.description)).join(' '));
    }
    const i = this.waiting.findIndex((w) => w.method === e.method);
    if (i >= 0) this.waiting.splice(i, 1)[0].resolve(e.params);
  }

  next(method: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiting.push({ method, resolve }));
  }

  /** The value of a JavaScript expression in the page (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value as T;
  }

  /** A key press as a person makes it (keydown, keyup), sent to the focused element. */
  async press(key: 'ArrowDown' | 'ArrowUp' | 'Home' | 'End' | 'j' | 'k'): Promise<void> {
    const codes: Record<string, number> = { ArrowDown: 40, ArrowUp: 38, Home: 36, End: 35, j: 74, k: 75 };
    const base = { key, code: key.length === 1 ? `Key${key.toUpperCase()}` : key, windowsVirtualKeyCode: codes[key] };
    await this.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...base });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  /** A mouse click at the centre of the first element matching `selector`, scrolled into view. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({ block: 'center' });
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    })()`);
    if (!box) throw new Error(`no element matches ${selector}`);
    for (const type of ['mousePressed', 'mouseReleased'])
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    return Buffer.from(data, 'base64');
  }
}
