import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Config } from '#config/schema.js';
import { DEFAULT_TELEGRAM_SECRET_NAME } from '#contracts/telegram-secret.js';
import { Alarms } from './constructs/alarms.js';
import { AlertsQueue } from './constructs/alerts-queue.js';
import { BOT_TIMEOUT, BotFunction } from './constructs/bot-function.js';
import { CheckFunction } from './constructs/check-function.js';
import { ExampleGuard } from './constructs/example-guard.js';
import { StateTable } from './constructs/state-table.js';
import { TelegramSecret } from './constructs/telegram-secret.js';
import { WebhookRegistration } from './constructs/webhook-registration.js';
import { nextSteps } from './next-steps.js';

export interface LiqwatchStackProps extends StackProps {
  readonly config: Config;
  /** Subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** @default the synth time: the webhook registration runs on every deploy */
  readonly deployStamp?: string;
  /** @default `liqwatch/telegram`: the Telegram secret `liqwatch telegram put-token` created */
  readonly telegramSecretName?: string;
  /** The config is the example (`-c example=true`): the template synthesises but CloudFormation refuses it. */
  readonly example?: boolean;
}

/** The managed policy every Lambda gets to write its own logs. */
const BASIC_EXECUTION_ROLE =
  'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/** An account secret from its name or its ARN. */
function accountSecret(scope: Construct, id: string, secretId: string) {
  return secretId.startsWith('arn:')
    ? Secret.fromSecretCompleteArn(scope, id, secretId)
    : Secret.fromSecretNameV2(scope, id, secretId);
}

/**
 * liqwatch in one stack: the state table, the alerts queue, the scheduled check, the bot behind a
 * Function URL, the webhook registration (after a check that the Telegram secret, which the stack adopts
 * by name, holds a token) and the alarms.
 */
export class LiqwatchStack extends Stack {
  constructor(scope: Construct, id: string, props: LiqwatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    const configJson = JSON.stringify(config);
    const everyMinutes = config.schedule.everyMinutes ?? 1;

    const state = new StateTable(this, 'State');
    const alerts = new AlertsQueue(this, 'Alerts', { consumerTimeout: BOT_TIMEOUT });
    if (props.example) new ExampleGuard(this, 'ExampleGuard');
    const telegram = new TelegramSecret(this, 'Telegram', {
      secretName: props.telegramSecretName ?? DEFAULT_TELEGRAM_SECRET_NAME,
    });
    const check = new CheckFunction(this, 'Check', {
      configJson,
      everyMinutes,
      pollSeconds: config.schedule.pollSeconds ?? 0,
      watchMode: config.watch.mode,
    });
    const bot = new BotFunction(this, 'Bot', {
      configJson,
      alertsQueue: alerts.queue,
    });

    state.bindTo(check.function.fn);
    state.bindTo(bot.function.fn);
    alerts.bindSender(check.function.fn);
    // The bot queues its own notices (a chat no longer receives alerts), holds and dead-letters messages.
    alerts.bindSender(bot.function.fn);
    alerts.bindRedriver(bot.function.fn);
    telegram.bindReader(bot.function.fn);
    // Each function reads exactly the account secrets the config names (the bot answers /positions live),
    // each once however many accounts keep their key sets in it (`secretKey`).
    const secretIds = [...new Set(config.accounts.flatMap((a) => (a.secretId ? [a.secretId] : [])))];
    secretIds.forEach((secretId, i) => {
      const secret = accountSecret(this, `AccountSecret${i}`, secretId);
      secret.grantRead(check.function.fn);
      secret.grantRead(bot.function.fn);
    });

    const registration = new WebhookRegistration(this, 'WebhookRegistration', {
      webhookUrl: bot.url.url,
      telegramSecret: telegram.secret,
      telegramSecretName: telegram.secretName,
      configJson,
      deployStamp: props.deployStamp ?? new Date().toISOString(),
    });
    // Nothing is built before the secret check passes: a deploy without the token stops at once, with nothing to roll back.
    for (const part of [state, alerts, check, bot]) part.node.addDependency(registration.secretCheck);

    const alarms = new Alarms(this, 'Alarms', {
      check: check.function.fn,
      bot: bot.function.fn,
      botLogs: bot.function.logGroup,
      deadLetters: alerts.deadLetterQueue,
      everyMinutes,
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
    });

    new CfnOutput(this, 'WebhookUrl', { value: bot.url.url, description: 'The Telegram webhook (Function URL)' });
    new CfnOutput(this, 'TelegramSecretName', {
      value: telegram.secretName,
      description: 'The bot token and webhook secret (liqwatch telegram put-token --secret-id)',
    });
    new CfnOutput(this, 'StateTableName', { value: state.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn, description: 'Subscribe to liqwatch alarms' });
    nextSteps(this, alarms.topic.topicArn, props.alarmEmail);

    this.acknowledge(registration, [check.function, bot.function, registration.function]);
    Validations.of(check.scheduleDeadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: "This queue is the schedule's dead-letter queue: nothing reads it to fail again.",
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<CheckFunction186E2F7A.Arn>:*]',
      reason: "EventBridge Scheduler's role may invoke the check function and its versions.",
    });
  }

  /** cdk-nag findings that are deliberate, each with its reason. */
  private acknowledge(registration: WebhookRegistration, functions: Construct[]): void {
    for (const f of functions) {
      Validations.of(f).acknowledge(
        {
          id: BASIC_EXECUTION_ROLE,
          reason:
            'AWSLambdaBasicExecutionRole only lets the function write its own logs; a copy of it would say the same.',
        },
        {
          id: 'AwsSolutions::AwsSolutions-L1',
          reason:
            'Node.js 22 is the runtime liqwatch is built and tested for; moving to a newer one is a deliberate, tested change.',
        },
      );
    }
    Validations.of(registration).acknowledge(
      {
        id: BASIC_EXECUTION_ROLE,
        reason: "The custom resource provider framework's functions use the basic execution role for their logs.",
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<WebhookRegistrationRegisterFunction21C0A555.Arn>:*]',
        reason: 'The provider framework may invoke only its own handler function and its versions (function:*).',
      },
      {
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: 'The provider framework chooses the runtime of its own function.',
      },
    );
  }
}
