import { createCheckHandler } from '#check/handler.js';
import { loadCheckRuntime } from './check-runtime.js';

/** The scheduled check Lambda (EventBridge Scheduler → here). */
export const handler = createCheckHandler(await loadCheckRuntime(process.env));
