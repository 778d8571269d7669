import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '#config/load.js';
import { capacityRefusal, overShare, renderCapacityLine } from '#core/format/capacity-line.js';
import { weightCapacity } from '#core/weight-capacity.js';
import { NoConfigError, resolveConfigSource } from './config-source.js';
import { loadDeployConfig } from './deploy-config.js';
import { LiqwatchStack } from './liqwatch-stack.js';

const app = new App();
const context = (name: string) => app.node.tryGetContext(name) as string | undefined;

try {
  const source = resolveConfigSource({
    contextConfig: context('config'),
    contextExample: context('example'),
    envConfig: process.env.LIQWATCH_CONFIG,
    cwd: process.cwd(),
  });
  if (source.example) {
    process.stderr.write(
      `liqwatch: no config of yours; synthesising with the example, ${source.pathOrJson} (-c example=true). ` +
        'The template cannot be deployed: CloudFormation refuses it.\n',
    );
  }
  const config = await loadDeployConfig(source.pathOrJson);
  // A config whose busiest minute needs more weight than its share of the exchange's limit gets 429s, then bans.
  const capacity = weightCapacity(config);
  if (overShare(capacity)) {
    const where = source.pathOrJson.trimStart().startsWith('{') ? 'LIQWATCH_CONFIG' : source.pathOrJson;
    throw new ConfigError(where, [capacityRefusal(capacity)]);
  }
  process.stderr.write(`liqwatch: ${renderCapacityLine(capacity)}\n`);
  const alarmEmail = context('alarmEmail');
  const telegramSecretName = context('telegramSecret');
  new LiqwatchStack(app, 'Liqwatch', {
    config,
    example: source.example,
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(telegramSecretName ? { telegramSecretName } : {}),
    description: 'liqwatch: liquidation-risk alerts for Binance derivatives on Telegram',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof NoConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
