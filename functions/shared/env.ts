/** A variable an entry point needs is not set. */
export class EnvError extends Error {
  constructor(name: string) {
    super(`environment variable ${name} is not set`);
    this.name = 'EnvError';
  }
}

/** The value of `name`, or an `EnvError` naming it. Entry points read their variables once, at the top. */
export function requiredEnv<E extends object>(env: E, name: keyof E & string): string {
  const value = (env as Record<string, string | undefined>)[name];
  if (!value) throw new EnvError(name);
  return value;
}
