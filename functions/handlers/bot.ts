import { createBotHandler } from '#telegram/handler.js';
import { loadBotRuntime } from './bot-runtime.js';

/** The bot Lambda: the alerts queue (SQS) and the Telegram webhook (Function URL). */
export const handler = createBotHandler(await loadBotRuntime(process.env));
