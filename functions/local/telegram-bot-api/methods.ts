import { botMethods } from './bot-methods.js';
import type { MethodHandler } from './context.js';
import { messageMethods } from './message-methods.js';
import { updateMethods } from './updates.js';

/**
 * Every Bot API method the stand-in answers, by name. A Map, so a name such as `toString` finds
 * nothing rather than an object's own property.
 */
export const methods: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries({ ...botMethods, ...messageMethods, ...updateMethods }),
);
