import { Duration } from 'aws-cdk-lib';
import { type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LiqwatchFunction } from './liqwatch-function.js';

export const BOT_TIMEOUT = Duration.seconds(30);

export interface BotFunctionProps {
  readonly configJson: string;
  readonly alertsQueue: IQueue;
}

/**
 * The bot: one function, two triggers. The alerts queue (partial batch responses, so only failed
 * records come back) and the Telegram webhook on a Function URL, whose secret token is checked in code.
 */
export class BotFunction extends Construct {
  public readonly function: LiqwatchFunction;
  public readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: BotFunctionProps) {
    super(scope, id);
    this.function = new LiqwatchFunction(this, 'Bot', {
      entry: 'functions/handlers/bot.ts',
      description: 'liqwatch: sends alerts to Telegram and answers chat commands',
      serviceName: 'liqwatch-bot',
      timeout: BOT_TIMEOUT,
      environment: { LIQWATCH_CONFIG: props.configJson },
    });
    this.function.fn.addEventSource(
      new SqsEventSource(props.alertsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    // Telegram cannot sign requests with SigV4; the webhook's secret token is compared in code.
    this.url = this.function.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
  }
}
