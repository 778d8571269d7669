import type { IncomingMessage } from 'node:http';

export type Params = Record<string, unknown>;

/**
 * The parameters of a call, in any of the four ways the Bot API accepts them: the query string, JSON,
 * `application/x-www-form-urlencoded` or `multipart/form-data` (https://core.telegram.org/bots/api#making-requests).
 */
export async function readParams(req: IncomingMessage, base: string): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const type = String(req.headers['content-type'] ?? '');
  if (body === '') return Object.fromEntries(new URL(req.url ?? '/', base).searchParams);
  if (type.includes('application/json')) return JSON.parse(body) as Params;
  if (type.includes('multipart/form-data')) return parseMultipart(body, type);
  const form = Object.fromEntries(new URLSearchParams(body));
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, maybeJson(v)]));
}

/** An object parameter (reply_markup, commands), which may arrive JSON-serialised. */
export function jsonParam(value: unknown): unknown {
  return typeof value === 'string' ? maybeJson(value) : value;
}

/** A boolean parameter, which a form sends as the string `true`. */
export function flagParam(value: unknown): boolean {
  return value === true || value === 'true';
}

function maybeJson(value: string): unknown {
  // Form fields carry JSON-serialised objects (reply_markup, commands); plain values stay strings.
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function parseMultipart(body: string, type: string): Params {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return {};
  const out: Params = {};
  for (const part of body.split(`--${b}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    const value = part.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n$/, '');
    out[name] = maybeJson(value);
  }
  return out;
}
