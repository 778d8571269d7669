import { createHash } from 'node:crypto';
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { LiqwatchFunction } from './liqwatch-function.js';

export interface WebhookRegistrationProps {
  readonly webhookUrl: string;
  readonly telegramSecret: ISecret;
  /** What the function reads the secret by (its name). */
  readonly telegramSecretName: string;
  /** The deployed config, as inline JSON: its chats get the first message, which tells what is watched. */
  readonly configJson: string;
  /** Changes on every deploy, so the registration runs each time (a token put in since is picked up). */
  readonly deployStamp: string;
}

/**
 * Two custom resources on one function. `SecretCheck` runs first (the stack's other resources depend on
 * it): without the Telegram secret, or without a token in it, the deploy stops before anything is built,
 * naming the command to run. `Webhook` runs last, on every deploy: `setWebhook` with the secret token and
 * `setMyCommands`; when the config changed (its hash), each configured chat gets one first message.
 */
export class WebhookRegistration extends Construct {
  public readonly function: LiqwatchFunction;
  /** Make what must not be built without the secret depend on this. */
  public readonly secretCheck: CustomResource;

  constructor(scope: Construct, id: string, props: WebhookRegistrationProps) {
    super(scope, id);
    this.function = new LiqwatchFunction(this, 'Register', {
      entry: 'functions/handlers/register-webhook.ts',
      description: 'liqwatch: checks the Telegram secret, registers the webhook and the command menu at deploy',
      serviceName: 'liqwatch-register-webhook',
      memorySize: 256,
      // Greeting many chats at about one message a second each, with Telegram's own waits, takes a while.
      timeout: Duration.minutes(2),
      environment: { LIQWATCH_CONFIG: props.configJson },
    });
    props.telegramSecret.grantRead(this.function.fn);
    const provider = new Provider(this, 'Provider', { onEventHandler: this.function.fn });
    this.secretCheck = new CustomResource(this, 'SecretCheck', {
      serviceToken: provider.serviceToken,
      properties: { Check: 'secret', SecretId: props.telegramSecretName, DeployStamp: props.deployStamp },
    });
    new CustomResource(this, 'Webhook', {
      serviceToken: provider.serviceToken,
      properties: {
        WebhookUrl: props.webhookUrl,
        SecretId: props.telegramSecretName,
        DeployStamp: props.deployStamp,
        ConfigHash: createHash('sha256').update(props.configJson).digest('hex').slice(0, 16),
      },
    });
  }
}
