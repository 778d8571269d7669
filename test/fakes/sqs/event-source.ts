import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FakeQueue } from './queue.js';
import { sqsRecord } from './record.js';

/** The queue handler as Lambda calls it. */
export type QueueFunction = (
  event: SQSEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<SQSBatchResponse | unknown>;

/** One call of the function with one batch, and what became of it. */
export interface Invocation {
  event: SQSEvent;
  /** Epoch ms on the queue's clock when Lambda would stop the function. */
  deadline: number;
  /** The time the function was given. */
  timeoutMs: number;
  /** What it answered; `undefined` when it threw or ran past its deadline. */
  response?: SQSBatchResponse;
  /** It was still running at its deadline: Lambda would have stopped it there and deleted nothing. */
  overran: boolean;
  /** Message ids deleted because the function reported them done. */
  deleted: string[];
}

export interface PollOptions {
  /** The function's time left when called (its timeout, or less when it started late). */
  timeoutMs?: number;
  /** Calls the function twice at once with the same batch, as Lambda may ("at least once"). */
  duplicate?: boolean;
  /** Successes whose DeleteMessage is lost: they come back after their visibility timeout. */
  loseDelete?: (messageId: string) => boolean;
}

/**
 * A Lambda event source mapping for an SQS queue with `ReportBatchItemFailures`
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): it receives a batch,
 * calls the function, and deletes every record the function did not report failed; the failed ones
 * stay in flight until their visibility timeout ends. A function that throws, answers something else
 * or runs past its deadline has the whole batch fail. Time is the queue's clock.
 */
export class EventSourceMapping {
  readonly invocations: Invocation[] = [];

  constructor(
    private readonly queue: FakeQueue,
    private readonly fn: QueueFunction,
    private readonly opts: { batchSize?: number; timeoutMs: number },
  ) {}

  /** One poll: `[]` when nothing is visible, else the invocations made with the batch received. */
  async poll(o: PollOptions = {}): Promise<Invocation[]> {
    const batch = this.queue.receive(this.opts.batchSize ?? 10);
    if (batch.length === 0) return [];
    const event: SQSEvent = { Records: batch.map((m) => sqsRecord(m, this.queue.opts.arn)) };
    const runs = o.duplicate ? [this.#invoke(event, o), this.#invoke(event, o)] : [this.#invoke(event, o)];
    const done = await Promise.all(runs);
    this.invocations.push(...done);
    return done;
  }

  /** Polls until the queue has nothing visible nor in flight, moving the clock to each next visibility. */
  async drain(advance: (toMs: number) => void, o: (i: number) => PollOptions = () => ({}), maxPolls = 10_000) {
    for (let i = 0; i < maxPolls; i++) {
      if ((await this.poll(o(i))).length > 0) continue;
      const next = this.queue.nextVisibleAt();
      if (next === undefined) return;
      advance(next);
    }
    throw new Error(`the queue did not drain in ${maxPolls} polls`);
  }

  async #invoke(event: SQSEvent, o: PollOptions): Promise<Invocation> {
    const now = this.queue.opts.now;
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
    const deadline = now() + timeoutMs;
    const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - now()) };
    const run: Invocation = { event, deadline, timeoutMs, overran: false, deleted: [] };
    let answer: unknown;
    try {
      answer = await this.fn(event, context);
    } catch {
      return run;
    }
    run.overran = now() > deadline;
    if (run.overran || !isBatchResponse(answer)) return run;
    run.response = answer;
    const failed = new Set(answer.batchItemFailures.map((f) => f.itemIdentifier));
    for (const r of event.Records) {
      if (failed.has(r.messageId) || o.loseDelete?.(r.messageId)) continue;
      // The handle may be stale (the message came back and was received again): SQS refuses it.
      const m = this.queue.all.find((s) => s.receiptHandle === r.receiptHandle);
      if (!m) continue;
      this.queue.delete(r.receiptHandle);
      run.deleted.push(r.messageId);
    }
    return run;
  }
}

function isBatchResponse(v: unknown): v is SQSBatchResponse {
  return typeof v === 'object' && v !== null && Array.isArray((v as SQSBatchResponse).batchItemFailures);
}
