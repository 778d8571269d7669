import { z } from 'zod';
import { ParseError, parseJsonWith } from '#shared/parse.js';
import { type ExchangeError, msUntil } from './host-standing.js';

/*
 * What a REST answer says beyond its status: the exchange's error body, and how long a 429 or 418
 * asks us to wait. General info, "HTTP Return Codes" and "IP Limits":
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */

type Headers = Record<string, string | string[] | undefined>;

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `Retry-After` in ms, where the answer has a usable one. */
export function retryAfterMs(answer: { headers: Headers }): number | undefined {
  const header = Number(firstHeader(answer.headers['retry-after']));
  if (answer.headers['retry-after'] !== undefined && Number.isFinite(header) && header >= 0) return header * 1000;
  return undefined;
}

/** A 418 says "IP banned until <ms>" in its message; the time left, where it does. */
export function banEndFromMessage(message: string | undefined, now: number): number | undefined {
  const until = message?.match(/banned until (\d{13})/)?.[1];
  return until ? msUntil(Number(until), now) : undefined;
}

/** An error answer's body; a `msg` that is not a string is left out rather than failing the code. */
const ExchangeErrorSchema = z.object({ code: z.number(), msg: z.string().optional().catch(undefined) });

/** `{"code":-2015,"msg":"…"}` where the body holds one; nothing otherwise. */
export function readExchangeError(body: string): ExchangeError {
  try {
    const { code, msg } = parseJsonWith(ExchangeErrorSchema, body, 'error answer');
    return { exchangeCode: code, ...(msg === undefined ? {} : { exchangeMessage: msg }) };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    // Not JSON (an HTML error page from a gateway, say), or no code: the status says enough.
    return {};
  }
}
