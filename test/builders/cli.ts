import type { CliIo } from '#cli/io.js';
import { main } from '#cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The terminal a test gives a command: everything it prints, kept. */
export function capturedIo(over: Partial<CliIo> = {}): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    env: {},
    cwd: process.cwd(),
    ...over,
  };
  return { io, out };
}

/** Runs `liqwatch <args>` in-process and returns its exit status and output. */
export async function runCli(args: string[], over: Partial<CliIo> = {}): Promise<CliRun> {
  const { io, out } = capturedIo(over);
  const code = await main(args, io);
  return { code, ...out };
}
