import type { SimFault, SimFaultTarget, SourceId } from './types.js';

interface Armed {
  target: SimFaultTarget;
  fault: SimFault;
  left: number;
}

/** Injected faults, each applied to the next `times` requests it matches, in the order injected. */
export class FaultBook {
  #armed: Armed[] = [];

  inject(target: SimFaultTarget, fault: SimFault): void {
    const times = target.times ?? 1;
    if (!(times > 0)) throw new Error(`times must be positive, got ${times}`);
    if (fault.kind === 'largeBody' && !(Number.isSafeInteger(fault.bytes) && fault.bytes > 0)) {
      throw new Error(`largeBody bytes must be a positive whole number, got ${fault.bytes}`);
    }
    this.#armed.push({ target, fault, left: times });
  }

  clear(): void {
    this.#armed = [];
  }

  /** The fault for this request, if one matches; counts it as used. */
  take(request: {
    source: SourceId | 'time' | undefined;
    account: string | undefined;
    path: string | undefined;
  }): SimFault | undefined {
    const index = this.#armed.findIndex(
      ({ target }) =>
        (target.source === undefined || target.source === request.source) &&
        (target.account === undefined || target.account === request.account) &&
        (target.path === undefined || target.path === request.path),
    );
    const armed = this.#armed[index];
    if (!armed) return undefined;
    armed.left -= 1;
    if (armed.left <= 0) this.#armed.splice(index, 1);
    return armed.fault;
  }
}
