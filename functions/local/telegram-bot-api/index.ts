/*
 * The loopback Telegram Bot API used by the demo and the tests: `server.ts` routes each call to a
 * method from the table in `methods.ts`.
 */
export { startFakeTelegram } from './server.js';
export type {
  FakeTelegram,
  FakeTelegramOptions,
  FaultPolicy,
  RecordedCall,
  SentMessage,
  TelegramFault,
} from './types.js';
