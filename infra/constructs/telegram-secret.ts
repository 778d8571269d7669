import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BindableFunction } from './liqwatch-function.js';

/**
 * The stack's own secret: `{ botToken, webhookSecret }`. The webhook secret is generated; the bot token
 * is put in by the user after the first deploy (README, "Deploy").
 */
export class TelegramSecret extends Construct {
  public readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'liqwatch: the Telegram bot token (set it) and the webhook secret token (generated)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ botToken: '' }),
        generateStringKey: 'webhookSecret',
        excludePunctuation: true,
        passwordLength: 48,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Reading the secret and the variable that names it (`TELEGRAM_SECRET_ID`, its ARN), granted together. */
  bindReader(fn: BindableFunction): void {
    this.secret.grantRead(fn);
    fn.addEnvironment('TELEGRAM_SECRET_ID', this.secret.secretArn);
  }
}
