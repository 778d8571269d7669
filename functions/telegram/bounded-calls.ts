import type { Telegram } from 'telegraf';

/**
 * Bounds every Bot API call of this bot: telegraf waits up to 500 s for an answer (its node-fetch
 * `timeout`), which would hold the run that long. `callApi` takes an AbortSignal
 * (https://telegraf.js.org/classes/Telegram.html#callApi); a caller's own signal (the deliverer's) still
 * ends the call too, and a long poll is given its own wait on top.
 */
export function boundBotApiCalls(telegram: Telegram, ms: number, timeoutSignal: (ms: number) => AbortSignal): void {
  const call = telegram.callApi.bind(telegram);
  const bounded: typeof telegram.callApi = (method, payload, opts = {}) => {
    const pollS = method === 'getUpdates' && 'timeout' in payload ? Number(payload.timeout ?? 0) : 0;
    const either = new AbortController();
    const abort = () => either.abort();
    timeoutSignal(ms + pollS * 1000).addEventListener('abort', abort, { once: true });
    opts.signal?.addEventListener('abort', abort);
    if (opts.signal?.aborted) abort();
    return call(method, payload, { signal: either.signal as AbortSignal & TelegrafSignal });
  };
  telegram.callApi = bounded;
}

/** telegraf types the signal as the `abort-controller` package's; its fetch (node-fetch) takes Node's own. */
export type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegram['callApi']>[2]>['signal']>;
