// A real interactive shell in a world, driven through a pseudo-terminal (node-pty) the way a
// person drives a terminal: type text, press keys, wait for what appears on the screen. In the
// spirit of tsx's pty-shell test helper. Every wait has a hard bound, and a failed wait throws
// an error that carries everything the terminal showed, so a failing run explains itself.

import * as pty from '@lydell/node-pty';
import stripAnsi from 'strip-ansi';
import type { RunOptions, World } from './world.js';

export type ShellName = 'bash' | 'zsh' | 'fish';

/** The prompt every driven shell shows: plain ASCII, never part of anything typed. */
export const PROMPT = 'pty$ ';

/** Default bound for one step (a command, a prompt to appear). */
export const STEP_TIMEOUT_MS = 15_000;

const KEYS = {
  enter: '\r',
  'ctrl-c': '\x03',
  'ctrl-d': '\x04',
  'ctrl-u': '\x15',
  'ctrl-z': '\x1a',
  escape: '\x1b',
  tab: '\t',
} as const;

export type Key = keyof typeof KEYS;

export interface ShellOptions extends Pick<RunOptions, 'user' | 'env' | 'cwd' | 'staleSession'> {
  shell: ShellName;
  /** Terminal size; fixed so that line wrapping is the same on every machine. */
  cols?: number;
  rows?: number;
  /**
   * Lines for the shell's own rc file (~/.bashrc, ~/.zshrc, ~/.config/fish/config.fish),
   * written into the world's home of the user before the shell starts, after the harness's
   * prompt settings.
   */
  rc?: string[];
}

/** The interactive command line and the rc file for each shell. */
function shellSetup(shell: ShellName, home: string): { argv: string[]; rcPath: string; rcHead: string[] } {
  switch (shell) {
    case 'bash':
      // Interactive, not a login shell: reads /etc/bash.bashrc and ~/.bashrc.
      return { argv: ['/bin/bash', '-i'], rcPath: `${home}/.bashrc`, rcHead: [`PS1='${PROMPT}'`, 'PS2="> "', 'unset PROMPT_COMMAND'] };
    case 'zsh':
      // A ~/.zshrc must exist, or zsh starts its new-user wizard.
      return { argv: ['/usr/bin/zsh', '-i'], rcPath: `${home}/.zshrc`, rcHead: [`PROMPT='${PROMPT}'`, "RPROMPT=''"] };
    case 'fish':
      return {
        argv: ['/usr/bin/fish', '-i'],
        rcPath: `${home}/.config/fish/config.fish`,
        rcHead: [
          'set -g fish_greeting',
          `function fish_prompt; printf '%s' '${PROMPT}'; end`,
          'function fish_right_prompt; end',
          'function fish_title; end',
          // Autosuggestions redraw the command line under the cursor; nobody needs them here.
          'set -g fish_autosuggestion_enabled 0',
        ],
      };
  }
}

export class PtyShell {
  readonly name: ShellName;
  private readonly term: pty.IPty;
  private raw = '';
  private readonly screen: Screen;
  private exited: { exitCode: number; signal?: number } | null = null;
  private waiters = new Set<() => void>();
  /** Where the next `waitFor` starts looking (an offset into `text`). */
  private cursor = 0;

  private constructor(name: ShellName, term: pty.IPty, cols: number, rows: number) {
    this.name = name;
    this.term = term;
    this.screen = new Screen(cols, rows);
    term.onData((data) => {
      this.raw += data;
      this.screen.write(data);
      for (const wake of this.waiters) wake();
    });
    term.onExit((info) => {
      this.exited = info;
      for (const wake of this.waiters) wake();
    });
  }

  /** Starts the shell in the world and waits for its first prompt. */
  static async start(world: World, options: ShellOptions): Promise<PtyShell> {
    const user = world.user(options.user ?? 'root');
    const setup = shellSetup(options.shell, user.home);
    if (options.shell === 'fish') await world.exec(['mkdir', '-p', `${user.home}/.config/fish`], { user: user.name });
    world.writeFile(setup.rcPath, [...setup.rcHead, ...(options.rc ?? [])].join('\n') + '\n', { owner: user.name, mode: 0o644 });
    const cols = options.cols ?? 120;
    const rows = options.rows ?? 40;
    const command = world.command(setup.argv, {
      user: options.user,
      cwd: options.cwd,
      staleSession: options.staleSession,
      env: { TERM: 'xterm-256color', SHELL: setup.argv[0]!, ...options.env },
    });
    const term = pty.spawn(command.file, command.args, { name: 'xterm-256color', cols, rows, cwd: command.cwd, env: command.env });
    const shell = new PtyShell(options.shell, term, cols, rows);
    await shell.waitFor(new RegExp(`(?<=^|\\n)${escapeRegExp(PROMPT)}`), 20_000);
    return shell;
  }

  /** Everything the terminal showed so far, as a person reads it (see Screen). */
  get text(): string {
    return this.screen.text();
  }

  /** The bytes the terminal received, escape sequences and all (for debugging a failure). */
  get rawOutput(): string {
    return this.raw;
  }

  /** Everything the terminal showed since `mark`. */
  since(mark: number): string {
    return this.text.slice(mark);
  }

  /** Where the cursor's line starts in the text: pass it to `since` to see what a step printed. */
  mark(): number {
    return this.screen.lineStart();
  }

  /** Types text as is (no Enter). */
  type(text: string): void {
    if (this.exited) throw this.failure(`cannot type ${JSON.stringify(text)}: the shell has exited`);
    this.term.write(text);
  }

  press(key: Key): void {
    this.type(KEYS[key]);
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.screen.resize(cols);
  }

  /**
   * Waits until `pattern` appears in the text after the last match (or after `from`), and
   * moves past it. Throws with the whole screen after `timeoutMs`, or if the shell exits.
   */
  async waitFor(pattern: RegExp | string, timeoutMs = STEP_TIMEOUT_MS, from?: number): Promise<RegExpExecArray> {
    const regex = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    const start = from ?? this.cursor;
    // Searched in the whole text from `start`, so a lookbehind can see what came before.
    const search = new RegExp(regex.source, regex.flags.replace(/[gy]/g, '') + 'g');
    const found = await this.until(() => {
      search.lastIndex = start;
      const match = search.exec(this.text);
      if (!match) return null;
      this.cursor = match.index + match[0].length;
      return match;
    }, timeoutMs);
    if (!found) throw this.failure(`timed out after ${timeoutMs} ms waiting for ${regex}`);
    return found;
  }

  /** Waits for a prompt at the start of a line, at or after where the last match ended. */
  waitForPrompt(timeoutMs = STEP_TIMEOUT_MS): Promise<RegExpExecArray> {
    return this.waitFor(new RegExp(`(?<=\\n)${escapeRegExp(PROMPT)}`), timeoutMs);
  }

  /**
   * Types a command line, presses Enter and waits for the next prompt. Returns what the
   * command printed (the text between the echoed command line and the next prompt).
   */
  async run(line: string, timeoutMs = STEP_TIMEOUT_MS): Promise<string> {
    const mark = this.mark();
    // Past the start of the line the command is typed on, which may itself begin with a prompt.
    this.cursor = mark + 1;
    this.type(line);
    this.press('enter');
    const prompt = await this.waitForPrompt(timeoutMs);
    return this.outputOf(line, mark, prompt.index);
  }

  /** The text printed by the command typed at `mark`, up to `end` (the echo of the line itself removed). */
  outputOf(line: string, mark: number, end = this.mark()): string {
    const text = this.text.slice(mark, end);
    const at = text.indexOf(line);
    const after = at >= 0 ? text.slice(at + line.length) : text;
    return after.replace(/^\n/, '').replace(/\n$/, '');
  }

  /** `$?` (bash, zsh) or `$status` (fish) of the previous command. */
  async status(): Promise<number> {
    const line = this.name === 'fish' ? 'echo "status=$status"' : 'echo "status=$?"';
    const out = await this.run(line);
    const match = /status=(\d+)/.exec(out);
    if (!match) throw this.failure(`no status in ${JSON.stringify(out)}`);
    return Number(match[1]);
  }

  /** Runs a command line; returns what it printed and its exit status. */
  async runStatus(line: string, timeoutMs = STEP_TIMEOUT_MS): Promise<{ output: string; status: number }> {
    const output = await this.run(line, timeoutMs);
    return { output, status: await this.status() };
  }

  /**
   * Ends the shell: Ctrl-C first (it answers "no" to a question still on the screen, where the
   * Enter of `exit` would take the default), then `exit`, then a kill after a bound.
   */
  async close(): Promise<void> {
    if (this.exited) return;
    try {
      this.term.write('\x03');
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!this.exited) this.term.write('\x15exit\r');
    } catch {
      // already gone
    }
    const gone = await this.until(() => (this.exited ? true : null), 3_000);
    if (!gone) {
      try {
        this.term.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /**
   * An error naming the step, with the whole terminal output as the screen model reads it and,
   * in case that model is what went wrong, the stream itself with the escape sequences stripped.
   */
  failure(message: string): Error {
    const status = this.exited ? `\n(the shell exited: ${JSON.stringify(this.exited)})` : '';
    const stream = stripAnsi(this.raw).slice(-6000);
    return new Error(
      `[${this.name} pty] ${message}${status}\n----- terminal output -----\n${this.text}\n----- end of terminal output -----\n` +
        `----- the stream, escape sequences stripped (last 6000 characters) -----\n${JSON.stringify(stream)}`,
    );
  }

  private until<T>(check: () => T | null, timeoutMs: number): Promise<T | null> {
    return new Promise((resolve) => {
      // eslint-disable-next-line prefer-const -- finish() reads it before the assignment below runs
      let timer: NodeJS.Timeout;
      const wake = () => {
        const result = check();
        if (result !== null) return finish(result);
        if (this.exited) {
          // Let the last output arrive, then a final look.
          setTimeout(() => finish(check()), 50);
        }
      };
      const finish = (result: T | null) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(result);
      };
      timer = setTimeout(() => finish(check()), timeoutMs);
      this.waiters.add(wake);
      wake();
    });
  }
}

/**
 * What a person reads on the terminal: a small terminal model that applies what line editors
 * and prompts send (carriage return, backspace, cursor moves, erase in line and display, line
 * wrapping at the terminal width) and drops the rest (colours, modes, titles). Rows that wrapped
 * are joined back into one line, so the text does not depend on the terminal width. Far from a
 * full emulator, but enough for zsh's and fish's redraws and fish's "⏎" end-of-output marker,
 * which a stream with the escape sequences stripped would show as garbage.
 */
export class Screen {
  private rows: Array<{ chars: string[]; wrapped: boolean }> = [{ chars: [], wrapped: false }];
  private row = 0;
  private col = 0;
  private pendingWrap = false;
  private saved: { row: number; col: number } = { row: 0, col: 0 };
  /** An escape sequence split across chunks. */
  private partial = '';

  constructor(
    private cols: number,
    private readonly height: number,
  ) {}

  resize(cols: number): void {
    this.cols = cols;
  }

  write(data: string): void {
    const input = this.partial + data;
    this.partial = '';
    const chars = Array.from(input);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === '\x1b') {
        const consumed = this.escape(chars, i);
        if (consumed === 0) {
          this.partial = chars.slice(i).join('');
          return;
        }
        i += consumed - 1;
        continue;
      }
      switch (ch) {
        case '\r':
          this.col = 0;
          this.pendingWrap = false;
          break;
        case '\n':
          this.down(1);
          break;
        case '\b':
          this.col = Math.max(0, this.col - 1);
          this.pendingWrap = false;
          break;
        case '\t':
          this.col = Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8);
          break;
        default:
          if (ch < ' ' || ch === '\x7f') break;
          this.put(ch);
      }
    }
  }

  /** The whole text, wrapped rows joined, trailing blanks dropped (except on the cursor's row). */
  text(): string {
    return this.rows.map((_, index) => this.rowText(index)).join('');
  }

  /** The offset in text() where the cursor's logical line starts. */
  lineStart(): number {
    let first = this.row;
    while (first > 0 && this.rows[first - 1]!.wrapped) first--;
    let out = 0;
    for (let index = 0; index < first; index++) out += this.rowText(index).length;
    return out;
  }

  private rowText(index: number): string {
    const r = this.rows[index]!;
    const line = r.chars.map((c) => c ?? ' ').join('');
    if (r.wrapped) return line;
    return (index === this.row ? line : line.replace(/ +$/, '')) + (index < this.rows.length - 1 ? '\n' : '');
  }

  private put(ch: string): void {
    if (this.pendingWrap) {
      this.rows[this.row]!.wrapped = true;
      this.down(1);
      this.col = 0;
    }
    const chars = this.rows[this.row]!.chars;
    while (chars.length < this.col) chars.push(' ');
    chars[this.col] = ch;
    if (this.col >= this.cols - 1) {
      this.col = this.cols - 1;
      this.pendingWrap = true;
    } else {
      this.col++;
    }
  }

  private down(n: number): void {
    this.pendingWrap = false;
    this.row += n;
    while (this.rows.length <= this.row) this.rows.push({ chars: [], wrapped: false });
  }

  private top(): number {
    return Math.max(0, this.rows.length - this.height);
  }

  /** Handles the escape sequence at chars[i]; returns its length, or 0 if it is incomplete. */
  private escape(chars: string[], i: number): number {
    const next = chars[i + 1];
    if (next === undefined) return 0;
    if (next === '[') {
      let j = i + 2;
      while (j < chars.length && !/[\x40-\x7e]/.test(chars[j]!)) j++;
      if (j >= chars.length) return 0;
      this.csi(chars.slice(i + 2, j).join(''), chars[j]!);
      return j - i + 1;
    }
    if (next === ']' || next === 'P' || next === '_') {
      // OSC / DCS / APC: up to BEL or ST.
      for (let j = i + 2; j < chars.length; j++) {
        if (chars[j] === '\x07') return j - i + 1;
        if (chars[j] === '\x1b' && chars[j + 1] === '\\') return j - i + 2;
      }
      return 0;
    }
    if (next === '(' || next === ')' || next === '#') return chars[i + 2] === undefined ? 0 : 3;
    if (next === '7') this.saved = { row: this.row, col: this.col };
    if (next === '8') ({ row: this.row, col: this.col } = this.saved);
    if (next === 'M') this.row = Math.max(0, this.row - 1);
    if (next === 'E') {
      this.down(1);
      this.col = 0;
    }
    return 2;
  }

  private csi(params: string, final: string): void {
    if (/^[?>=<]/.test(params)) return; // private modes
    const nums = params.split(';').map((p) => (p === '' ? NaN : Number(p)));
    const n = Number.isFinite(nums[0]) && nums[0]! > 0 ? nums[0]! : 1;
    const chars = this.rows[this.row]!.chars;
    const mode = Number.isFinite(nums[0]) ? nums[0]! : 0;
    if (final !== 'm') this.pendingWrap = false;
    switch (final) {
      case 'A':
        this.row = Math.max(this.top(), this.row - n);
        break;
      case 'B':
        this.down(n);
        break;
      case 'C':
        this.col = Math.min(this.cols - 1, this.col + n);
        break;
      case 'D':
        this.col = Math.max(0, this.col - n);
        break;
      case 'G':
        this.col = Math.min(this.cols - 1, n - 1);
        break;
      case 'H':
      case 'f': {
        const r = Number.isFinite(nums[0]) && nums[0]! > 0 ? nums[0]! : 1;
        const c = Number.isFinite(nums[1]) && nums[1]! > 0 ? nums[1]! : 1;
        this.row = this.top() + r - 1;
        while (this.rows.length <= this.row) this.rows.push({ chars: [], wrapped: false });
        this.col = Math.min(this.cols - 1, c - 1);
        break;
      }
      case 'K':
        if (mode === 0) chars.length = Math.min(chars.length, this.col);
        else if (mode === 1) for (let k = 0; k <= this.col && k < chars.length; k++) chars[k] = ' ';
        else chars.length = 0;
        if (mode !== 1) this.rows[this.row]!.wrapped = false;
        break;
      case 'J':
        if (mode === 0) {
          chars.length = Math.min(chars.length, this.col);
          this.rows[this.row]!.wrapped = false;
          this.rows.length = this.row + 1;
        } else if (mode === 2 || mode === 3) {
          for (let k = this.top(); k < this.rows.length; k++) this.rows[k] = { chars: [], wrapped: false };
        }
        break;
      case 'P':
        chars.splice(this.col, n);
        break;
      case 'X':
        for (let k = this.col; k < this.col + n && k < chars.length; k++) chars[k] = ' ';
        break;
      case '@':
        if (this.col < chars.length) chars.splice(this.col, 0, ...Array<string>(n).fill(' '));
        break;
      default:
        // m (colours), h/l (modes), r (scroll region), n (reports) …: nothing to show.
        break;
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Starts a shell, runs `body`, and always closes the shell. */
export async function withShell<T>(world: World, options: ShellOptions, body: (shell: PtyShell) => Promise<T>): Promise<T> {
  const shell = await PtyShell.start(world, options);
  try {
    return await body(shell);
  } finally {
    await shell.close();
  }
}
