/** What a command may touch of the process, so tests can run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user asks to stop (Ctrl-C); long-running commands wait on it. */
  stopped?: Promise<void>;
  /** Lines typed on standard input. */
  stdin?: AsyncIterable<string>;
}

/** A mistake in how the command was called: the message says what to type instead. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Resolves when the user asks the command to stop: `io.stopped`, or Ctrl-C / SIGTERM. */
export function stopRequested(io: CliIo): Promise<void> {
  return (
    io.stopped ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    })
  );
}

/** A variable the command needs, or a usage error that says to set it. */
export function requireEnv(io: CliIo, name: string): string {
  const value = io.env[name];
  if (!value) throw new UsageError(`set ${name}`);
  return value;
}
