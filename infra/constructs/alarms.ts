import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  readonly check: IFunction;
  readonly bot: IFunction;
  readonly deadLetters: IQueue;
  readonly everyMinutes: number;
  /** An address subscribed to the topic (it confirms by mail). */
  readonly email?: string;
}

/**
 * What tells an operator that liqwatch itself is in trouble: the check failing, the check not running
 * at all (silence must mean "all well"), the bot failing, and alerts stuck in the dead-letter queue.
 */
export class Alarms extends Construct {
  public readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'liqwatch alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const action = new SnsAction(this.topic);
    const period = Duration.minutes(Math.max(5, props.everyMinutes));

    const alarm = (id: string, alarmDescription: string, metric: IMetric, below: boolean, missing: TreatMissingData) =>
      new Alarm(this, id, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: below
          ? ComparisonOperator.LESS_THAN_THRESHOLD
          : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: missing,
      });
    const quiet = TreatMissingData.NOT_BREACHING;
    const alarms = [
      alarm('CheckErrors', 'The liqwatch check failed', props.check.metricErrors({ period }), false, quiet),
      // No invocation at all counts as a breach: silence must mean "all well", never "not running".
      alarm(
        'CheckStopped',
        'The liqwatch check has not run: no alert can fire',
        props.check.metricInvocations({ period: Duration.minutes(Math.max(5, props.everyMinutes * 3)) }),
        true,
        TreatMissingData.BREACHING,
      ),
      alarm('BotErrors', 'The liqwatch bot failed', props.bot.metricErrors({ period }), false, quiet),
      alarm(
        'DeadLetters',
        'Alerts could not be delivered to Telegram and wait in the dead-letter queue',
        props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        false,
        quiet,
      ),
    ];
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      if (alarm.node.id !== 'CheckErrors' && alarm.node.id !== 'BotErrors') alarm.addOkAction(action);
    }
  }
}
