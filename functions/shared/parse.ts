import type { z } from 'zod';

/*
 * One way to read what crosses an edge (an exchange answer, a queue body, a stored item, a file, a
 * secret): JSON text parsed and checked against a zod schema, with an error that names what was read
 * and where it went wrong, and never repeats the text (it may be a secret).
 */

/** Every problem of a failed parse, each with its path: `accounts[1].sources[0]: …`. */
export function listIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

/** One line naming the first `max` problems of a failed parse. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const all = listIssues(error);
  const more = all.length > max ? ` (and ${all.length - max} more)` : '';
  return all.slice(0, max).join('; ') + more;
}

/** What was read, and why it is not what was expected. */
export class ParseError extends Error {
  constructor(
    /** Names the thing read: `queue message`, `keys file /x/keys.json`, `GET /fapi/v1/time`. */
    readonly what: string,
    /** One line per problem. */
    readonly problems: readonly string[],
  ) {
    super(`${what}: ${problems.join('; ')}`);
    this.name = 'ParseError';
  }
}

/**
 * Parses `text` as JSON and checks it against `schema`. A syntax error says only where it is (line and
 * column), never the text; a shape error lists the schema's problems.
 */
export function parseJsonWith<S extends z.ZodType>(schema: S, text: string | Uint8Array, what: string): z.output<S> {
  return parseWith(schema, readJson(text, what), what);
}

/** Checks an already parsed value against `schema`, throwing a `ParseError` that names `what`. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ParseError(what, [describeIssues(parsed.error)]);
  return parsed.data;
}

/** `JSON.parse` whose error names `what` and the position, not the text. */
export function readJson(text: string | Uint8Array, what: string): unknown {
  const source = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new ParseError(what, [`not valid JSON${position(source, error)}`]);
  }
}

/** ` (line 3, column 7)` from the offset V8 reports, or nothing. */
function position(source: string, error: unknown): string {
  const at = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (at === undefined) return source.trim() === '' ? ' (empty)' : '';
  const before = source.slice(0, Number(at)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
