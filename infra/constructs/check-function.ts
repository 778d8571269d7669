import { Duration } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LiqwatchFunction } from './liqwatch-function.js';

export interface CheckFunctionProps {
  /** The validated config, as inline JSON (it holds secret ids, never secrets). */
  readonly configJson: string;
  /** @default 1 */
  readonly everyMinutes: number;
  /** Polls inside one run this often; 0 checks once per run. */
  readonly pollSeconds: number;
  /** `watch.mode`: other than `off`, a run may hold the exchange's streams to its interval's end and past it. */
  readonly watchMode: 'adaptive' | 'always' | 'off';
}

/** A watching run lasts its interval, a 5 s overlap with the next, and the 10 s it keeps to save and enqueue. */
const WATCH_TAIL_SECONDS = 20;

/**
 * The check: EventBridge Scheduler invokes it every `everyMinutes`. Polling inside a run needs the run to
 * last until the next one is due, and watching a little past it, so the timeout follows the schedule; a
 * single check gets a minute.
 */
export class CheckFunction extends Construct {
  public readonly function: LiqwatchFunction;
  public readonly schedule: Schedule;
  public readonly scheduleDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: CheckFunctionProps) {
    super(scope, id);
    const interval = props.everyMinutes * 60;
    const seconds =
      props.watchMode !== 'off'
        ? Math.min(interval + WATCH_TAIL_SECONDS, 900)
        : props.pollSeconds > 0
          ? Math.min(interval, 900)
          : 60;
    this.function = new LiqwatchFunction(this, 'Check', {
      entry: 'functions/handlers/check.ts',
      description: 'liqwatch: reads every source of every account, evaluates the rules, enqueues alerts',
      serviceName: 'liqwatch-check',
      timeout: Duration.seconds(seconds),
      environment: { LIQWATCH_CONFIG: props.configJson },
    });
    this.scheduleDeadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `liqwatch check every ${props.everyMinutes} min`,
      schedule: ScheduleExpression.rate(Duration.minutes(props.everyMinutes)),
      target: new LambdaInvoke(this.function.fn, {
        deadLetterQueue: this.scheduleDeadLetters,
        // A missed check is replaced by the next one: retrying an old one later only adds load.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(props.everyMinutes),
      }),
    });
  }
}
