import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#config/load.js';
import { LiqwatchStack } from '../../infra/liqwatch-stack.js';

/* What the functions may read when accounts share a secret (`secretId` + `secretKey`). */

const config = parseConfig(
  {
    accounts: [
      { name: 'a', sources: ['usdm'], secretId: 'liqwatch/desk', secretKey: 'a' },
      { name: 'b', sources: ['coinm'], secretId: 'liqwatch/desk', secretKey: 'b' },
      { name: 'c', sources: ['pm-um'], secretId: 'liqwatch/c' },
    ],
    telegram: { chatIds: [42] },
  },
  'test',
);

describe('account secrets in the stack', () => {
  it('each function reads each distinct secret once, and no other account secret', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const template = Template.fromStack(new LiqwatchStack(app, 'Shared', { config, deployStamp: 'test' }));

    // Act
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const accountSecretsOf = (policy: (typeof policies)[number]) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
        .flatMap((s) => [s.Resource].flat().map((r) => JSON.stringify(r)))
        .filter((r) => !r.includes('liqwatch/telegram'));
    const readers = policies.map(accountSecretsOf).filter((r) => r.length > 0);

    // Assess: the check and the bot, each with one resource per secret.
    expect(readers).toHaveLength(2);
    for (const resources of readers) {
      expect(resources).toHaveLength(2);
      expect(resources.filter((r) => r.includes(':secret:liqwatch/desk-??????'))).toHaveLength(1);
      expect(resources.filter((r) => r.includes(':secret:liqwatch/c-??????'))).toHaveLength(1);
    }
  });
});
