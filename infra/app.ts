import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '#config/load.js';
import { loadDeployConfig } from './deploy-config.js';
import { LiqwatchStack } from './liqwatch-stack.js';

const app = new App();
const configPath =
  (app.node.tryGetContext('config') as string | undefined) ||
  process.env.LIQWATCH_CONFIG ||
  (existsSync('liqwatch.config.json') ? 'liqwatch.config.json' : 'liqwatch.config.example.json');

try {
  const config = await loadDeployConfig(configPath);
  const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
  new LiqwatchStack(app, 'Liqwatch', {
    config,
    ...(alarmEmail ? { alarmEmail } : {}),
    description: 'liqwatch: liquidation-risk alerts for Binance derivatives on Telegram',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
