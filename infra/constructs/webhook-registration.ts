import { CustomResource, Duration } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { LiqwatchFunction } from './liqwatch-function.js';

export interface WebhookRegistrationProps {
  readonly webhookUrl: string;
  readonly telegramSecret: ISecret;
  /** Changes on every deploy, so the registration runs each time (a token set since is picked up). */
  readonly deployStamp: string;
}

/**
 * Calls `setWebhook` (with the secret token) and `setMyCommands` on every deploy once the bot token is
 * in the secret; before that it succeeds and says the token is missing.
 */
export class WebhookRegistration extends Construct {
  public readonly function: LiqwatchFunction;

  constructor(scope: Construct, id: string, props: WebhookRegistrationProps) {
    super(scope, id);
    this.function = new LiqwatchFunction(this, 'Register', {
      entry: 'functions/handlers/register-webhook.ts',
      description: 'liqwatch: registers the Telegram webhook and the command menu at deploy',
      serviceName: 'liqwatch-register-webhook',
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    props.telegramSecret.grantRead(this.function.fn);
    const provider = new Provider(this, 'Provider', { onEventHandler: this.function.fn });
    new CustomResource(this, 'Webhook', {
      serviceToken: provider.serviceToken,
      properties: {
        WebhookUrl: props.webhookUrl,
        SecretId: props.telegramSecret.secretArn,
        DeployStamp: props.deployStamp,
      },
    });
  }
}
