// Runs a helper command for a probe: argv only, bounded in time, never throws.

export interface RunResult {
  /** Exit status, or null when the command could not start, was killed or timed out. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** ENOENT, EACCES, 'timeout', … when the command did not run to its end. */
  error: string | null;
}

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Stop collecting after this many bytes per stream, so a chatty command cannot grow memory. */
  maxBytes?: number;
}

export type Runner = (argv: readonly string[], options: RunOptions) => Promise<RunResult>;

// node:child_process costs about 3 ms to load; runs that spawn nothing do not pay for it.
export const runCommand: Runner = async (argv, options) => {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (file === undefined) return resolve({ code: null, stdout: '', stderr: '', error: 'EINVAL' });
    const maxBytes = options.maxBytes ?? 256 * 1024;
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (result: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      return resolve({ code: null, stdout: '', stderr: '', error: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
    const timer = setTimeout(() => {
      // A hung systemctl (no bus) or NFS home must not hang dockhook.
      child.kill('SIGKILL');
      finish({ code: null, stdout, stderr, error: 'timeout' });
    }, options.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < maxBytes) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < maxBytes) stderr += d;
    });
    child.on('error', (error: NodeJS.ErrnoException) => finish({ code: null, stdout, stderr, error: error.code ?? error.message }));
    child.on('close', (code) => finish({ code, stdout, stderr, error: null }));
  });
};
