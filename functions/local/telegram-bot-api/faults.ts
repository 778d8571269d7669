import { ApiError, tooManyRequests } from './errors.js';
import type { FaultPolicy, TelegramFault } from './types.js';

interface PlannedFault {
  method: string;
  fault: TelegramFault;
  chatId?: number;
  times: number;
}

/**
 * Failures a test plans for the next calls of a method, taken in the order they were planned, and an
 * optional policy consulted when nothing is planned.
 */
export class Faults {
  private readonly planned: PlannedFault[] = [];
  policy: FaultPolicy | undefined;

  plan(method: string, fault: TelegramFault, opts: { chatId?: number; times?: number } = {}): void {
    this.planned.push({
      method,
      fault,
      ...(opts.chatId === undefined ? {} : { chatId: opts.chatId }),
      times: opts.times ?? 1,
    });
  }

  /** The failure this call meets, if any, counted used. */
  take(method: string, chatId: number | undefined): TelegramFault | undefined {
    const i = this.planned.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (i < 0) return this.policy?.(method, chatId);
    const f = this.planned[i]!;
    if (--f.times <= 0) this.planned.splice(i, 1);
    return f.fault;
  }
}

/** The refusal a fault answers with; `hang` is the server's to handle, as it answers nothing. */
export function refusalOf(fault: Exclude<TelegramFault, { kind: 'hang' }>): ApiError {
  if (fault.kind === 'status') return new ApiError(fault.code, fault.description ?? `Error ${fault.code}`);
  const refusal = tooManyRequests(fault.seconds);
  return fault.legacyBody ? new ApiError(refusal.code, refusal.description) : refusal;
}
