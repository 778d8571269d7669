import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { UNDELIVERABLE_EVENT } from '#contracts/chat-notice.js';

export interface AlarmsProps {
  readonly check: IFunction;
  readonly bot: IFunction;
  /** The bot's log group: its line for each alert a chat did not take becomes a metric. */
  readonly botLogs: ILogGroup;
  readonly deadLetters: IQueue;
  readonly everyMinutes: number;
  /** An address subscribed to the topic (it confirms by mail). */
  readonly email?: string;
}

/**
 * What tells an operator that liqwatch itself is in trouble: the check failing, the check not running
 * at all (silence must mean "all well"), the bot failing, alerts stuck in the dead-letter queue, and a
 * chat that no longer takes alerts (the bot blocked or removed, the chat gone).
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
    // One count per alert lost to a chat that refuses messages (functions/telegram/chat-tracker.ts).
    const undeliverable = new MetricFilter(this, 'UndeliverableAlertsFilter', {
      logGroup: props.botLogs,
      metricNamespace: 'liqwatch',
      metricName: 'UndeliverableAlerts',
      filterPattern: FilterPattern.stringValue('$.event', '=', UNDELIVERABLE_EVENT),
      metricValue: '1',
    });
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
      alarm(
        'ChatUnreachable',
        'A chat no longer receives alerts: Telegram refuses them (bot blocked or removed, chat gone)',
        undeliverable.metric({ statistic: 'Sum', period }),
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
