import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BindableFunction } from './liqwatch-function.js';

export interface TelegramSecretProps {
  /** The secret's name (`liqwatch/telegram` by default, `-c telegramSecret=<name>`). */
  readonly secretName: string;
}

/**
 * The Telegram secret, `{ botToken, webhookSecret }`, adopted by its name: `liqwatch telegram put-token`
 * creates it (with a generated webhook secret) before the first deploy, so one deploy registers the
 * webhook. The stack never creates or deletes it; a deploy without it stops at the secret check
 * (webhook-registration.ts) with the command to run.
 */
export class TelegramSecret extends Construct {
  public readonly secret: ISecret;
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: TelegramSecretProps) {
    super(scope, id);
    this.secretName = props.secretName;
    this.secret = Secret.fromSecretNameV2(this, 'Secret', props.secretName);
  }

  /**
   * Reading the secret and the variable that names it (`TELEGRAM_SECRET_ID`), granted together. The name,
   * not the partial ARN an imported name gives, is what GetSecretValue resolves without its suffix.
   */
  bindReader(fn: BindableFunction): void {
    this.secret.grantRead(fn);
    fn.addEnvironment('TELEGRAM_SECRET_ID', this.secretName);
  }
}
