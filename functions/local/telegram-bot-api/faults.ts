import { ApiError, tooManyRequests } from './errors.js';
import type { TelegramFault } from './types.js';

interface PlannedFault {
  method: string;
  fault: TelegramFault;
  chatId?: number;
  times: number;
}

/** Failures a test plans for the next calls of a method, taken in the order they were planned. */
export class Faults {
  private readonly planned: PlannedFault[] = [];

  plan(method: string, fault: TelegramFault, opts: { chatId?: number; times?: number } = {}): void {
    this.planned.push({
      method,
      fault,
      ...(opts.chatId === undefined ? {} : { chatId: opts.chatId }),
      times: opts.times ?? 1,
    });
  }

  /** Throws the planned failure of this call, if there is one, and counts it used. */
  throwIfPlanned(method: string, chatId: number | undefined): void {
    const i = this.planned.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (i < 0) return;
    const f = this.planned[i]!;
    if (--f.times <= 0) this.planned.splice(i, 1);
    if (f.fault.kind === 'retryAfter') throw tooManyRequests(f.fault.seconds);
    throw new ApiError(f.fault.code, f.fault.description ?? `Error ${f.fault.code}`);
  }
}
