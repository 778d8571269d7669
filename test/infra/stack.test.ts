import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '#config/load.js';
import { UNDELIVERABLE_EVENT } from '#contracts/chat-notice.js';
import { startFakeSecretsManager } from '#fakes/secrets-manager/index.js';
import { startFakeSqs } from '#fakes/sqs/index.js';
import { startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { RECEIVE_BACKSTOP } from '../../infra/constructs/alerts-queue.js';
import { EXAMPLE_REFUSED } from '../../infra/constructs/example-guard.js';
import { STATE_TABLE_LOGICAL_ID } from '../../infra/constructs/state-table.js';
import { deployProblems } from '../../infra/deploy-config.js';
import { LiqwatchStack } from '../../infra/liqwatch-stack.js';

const run = promisify(execFile);

const config = parseConfig(
  {
    accounts: [
      { name: 'main', sources: ['usdm', 'usdm-ws', 'coinm'], secretId: 'liqwatch/main' },
      {
        name: 'pm',
        sources: ['pm-um', 'pm-cm'],
        secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:liqwatch/pm-AbCdEf',
      },
    ],
    telegram: { chatIds: [123456789] },
    schedule: { everyMinutes: 2, pollSeconds: 30 },
  },
  'test',
);

/** Holds the cloud assembly and the bad config; removed after the file. */
let dir: string;
/** The one synth every test with this config shares: the template, the bundles and cdk-nag's report. */
let assembly: string;
let template: Template;
/** `npx cdk synth` on a bad config: its own synth, in a child process that runs while the shared one does. */
let badSynth: Promise<{ code: number; stderr: string }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-synth-'));
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ accounts: [{ name: 'main', sources: ['usdm', 'spot'], secretId: 's' }] }));
  badSynth = run('npx', ['cdk', 'synth', '-q', '-c', `config=${bad}`, '-o', join(dir, 'out-bad')]).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (e: { stderr: string; code: number }) => e,
  );

  assembly = join(dir, 'assembly');
  // Bundles too (no 'aws:cdk:bundling-stacks' skip): the bundle tests below read them from this assembly.
  const app = new App({ outdir: assembly });
  const stack = new LiqwatchStack(app, 'Liqwatch', { config, deployStamp: 'test' });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // cdk-nag runs at synth and throws ValidationFailed on any finding not acknowledged with a reason.
  app.synth();
  template = Template.fromStack(stack);
}, 120_000);

afterAll(async () => {
  await badSynth;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the stack', () => {
  it('has no cdk-nag AwsSolutions finding left unacknowledged, and gives a reason for each one acknowledged', async () => {
    const report = JSON.parse(await readFile(join(assembly, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        conclusion: string;
        violations: unknown[];
        suppressedViolations: { ruleName: string; reason: string }[];
      }[];
    };
    const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    expect(nag).toMatchObject({ conclusion: 'success', violations: [] });
    for (const s of nag!.suppressedViolations) expect(s.reason.trim(), s.ruleName).not.toBe('');
  });

  it('runs both handlers on Node 22, arm64, with source maps, and no secret in any environment', () => {
    for (const d of ['reads every source', 'sends alerts to Telegram']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(d),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    }
    const fns = template.findResources('AWS::Lambda::Function');
    const env = JSON.stringify(Object.values(fns).map((f) => f.Properties.Environment));
    expect(env).not.toMatch(/botToken|webhookSecret|apiSecret|privateKey/);
    expect(env).toContain('TELEGRAM_SECRET_ID');
  });

  it('schedules the check every configured interval, sized for watching past it, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(2 minutes)',
      Target: Match.objectLike({ DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }) }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('reads every source'),
      // Two minutes, a 5 s overlap with the next run while watching, 10 s to save and enqueue, 5 s spare.
      Timeout: 140,
      MemorySize: 512,
    });
  });

  it('keeps state in one on-demand table with TTL and point-in-time recovery, retained, under a fixed logical id', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toEqual([STATE_TABLE_LOGICAL_ID]);
    const table = tables[STATE_TABLE_LOGICAL_ID]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('queues alerts on an encrypted FIFO queue whose own redrive is only a backstop (the bot counts failures)', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: RECEIVE_BACKSTOP },
    });
    expect(RECEIVE_BACKSTOP).toBeGreaterThanOrEqual(100);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('feeds the bot from the queue with partial batch responses, and serves the webhook on a Function URL', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  it('lets the bot hold messages on the queue, queue its notices and move messages to the dead-letter queue', () => {
    // Prepare: the two queues and the bot's role, by what the template says of them.
    const queues = template.findResources('AWS::SQS::Queue');
    const [main, props] = Object.entries(queues).find(([, q]) => q.Properties.RedrivePolicy)!;
    const deadLetters = props.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
    const fns = template.findResources('AWS::Lambda::Function');
    const bot = Object.values(fns).find((f) => /sends alerts to Telegram/.test(f.Properties.Description))!;
    const role = bot.Properties.Role['Fn::GetAtt'][0] as string;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const allowed = (action: string, queue: string) =>
      statements.some(
        (st) =>
          [st.Action].flat().includes(action) &&
          JSON.stringify([st.Resource].flat()) === JSON.stringify([{ 'Fn::GetAtt': [queue, 'Arn'] }]),
      );
    // Assess
    expect(allowed('sqs:ChangeMessageVisibility', main)).toBe(true);
    expect(allowed('sqs:SendMessage', main)).toBe(true);
    expect(allowed('sqs:SendMessage', deadLetters)).toBe(true);
    expect(bot.Properties.Environment.Variables).toMatchObject({
      ALERTS_QUEUE_URL: { Ref: main },
      DEAD_LETTER_QUEUE_URL: { Ref: deadLetters },
    });
  });

  it('grants GetSecretValue on exactly the configured account secrets and the adopted Telegram secret', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':secret:liqwatch/main-??????');
    expect(policies).toContain('arn:aws:secretsmanager:eu-west-1:111122223333:secret:liqwatch/pm-AbCdEf');
    expect(policies).toContain(':secret:liqwatch/telegram-??????');
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const secretReads = statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    for (const s of secretReads) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
  });

  it('adopts the Telegram secret put-token created, by its name, and builds nothing before checking it', () => {
    // Imported, never created: the stack neither owns nor deletes the token.
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    const bot = fns.find((f) => /sends alerts to Telegram/.test(f.Properties.Description))!;
    expect(bot.Properties.Environment.Variables.TELEGRAM_SECRET_ID).toBe('liqwatch/telegram');
    const resources = template.findResources('AWS::CloudFormation::CustomResource');
    const [checkId] = Object.entries(resources).find(([, r]) => r.Properties.Check === 'secret')!;
    expect(resources[checkId]!.Properties.SecretId).toBe('liqwatch/telegram');
    const table = template.findResources('AWS::DynamoDB::GlobalTable')[STATE_TABLE_LOGICAL_ID]!;
    expect(table.DependsOn).toContain(checkId);
    expect(bot.DependsOn).toContain(checkId);
  });

  it('prints what to do next: the alarm e-mail, then /status; a stack from the user config has no example guard', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['NextStep1AlarmEmail', 'NextStep2Status']));
    expect(JSON.stringify(outputs.NextStep1AlarmEmail!.Value)).toContain('-c alarmEmail=you@example.com');
    expect(outputs.NextStep2Status!.Value).toContain('send /status');
    expect(Object.keys(template.toJSON().Rules ?? {}).join()).not.toContain('ExampleGuard');
  });

  it('synthesised from the example, carries a rule CloudFormation checks before it builds anything: never deployable', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new LiqwatchStack(app, 'Example', {
      config,
      deployStamp: 'test',
      example: true,
      alarmEmail: 'a@b.c',
    });
    const t = Template.fromStack(stack);
    const rules = Object.values(t.toJSON().Rules as Record<string, { Assertions: { AssertDescription: string }[] }>);
    expect(rules.flatMap((r) => r.Assertions.map((a) => a.AssertDescription))).toContain(EXAMPLE_REFUSED);
    t.hasParameter('*', { Type: 'String', Default: 'example' });
    expect(t.findOutputs('NextStep1AlarmEmail').NextStep1AlarmEmail!.Value).toContain('a@b.c');
  });

  it('alarms on check errors, a check that stopped running, bot errors, dead letters and lost chats, to an SNS topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.AlarmDescription).sort()).toEqual([
      'A chat no longer receives alerts: Telegram refuses them (bot blocked or removed, chat gone)',
      'Alerts could not be delivered to Telegram and wait in the dead-letter queue',
      'The liqwatch bot failed',
      'The liqwatch check failed',
      'The liqwatch check has not run: no alert can fire',
    ]);
    const stopped = alarms.find((a) => a.MetricName === 'Invocations');
    expect(stopped).toMatchObject({ ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    for (const a of alarms) expect(a.AlarmActions).toHaveLength(1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    // Each alert a chat did not take is a log line of the bot; the filter makes it the alarm's metric.
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: `{ $.event = "${UNDELIVERABLE_EVENT}" }`,
      MetricTransformations: [{ MetricNamespace: 'liqwatch', MetricName: 'UndeliverableAlerts', MetricValue: '1' }],
    });
    expect(alarms.find((a) => a.MetricName === 'UndeliverableAlerts')).toMatchObject({
      Namespace: 'liqwatch',
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('registers the webhook at deploy through a custom resource, and sets log retention everywhere', () => {
    template.hasResourceProperties('AWS::CloudFormation::CustomResource', {
      WebhookUrl: Match.anyValue(),
      SecretId: Match.anyValue(),
    });
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(30);
  });
});

describe('the config at synth', () => {
  it('a deploy needs keys in Secrets Manager and a chat', () => {
    const local = parseConfig({ accounts: [{ name: 'a', sources: ['usdm'], keysFile: 'k.json' }] }, 'test');
    expect(deployProblems(local)).toEqual([
      'accounts[0]: a deployed check reads keys from Secrets Manager: give secretId instead of keysFile',
      'telegram: name at least one chat (chatIds or chats) for the alerts to go to',
    ]);
  });

  it('npx cdk synth fails with the config own messages on a bad config', async () => {
    const failed = await badSynth;
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('accounts[0].sources[1]: Invalid option');
  }, 60_000);

  it('the example config, what npx cdk synth -c example=true reads, passes the deploy checks', async () => {
    const { config: example } = await loadConfig('liqwatch.config.example.json');
    expect(deployProblems(example)).toEqual([]);
  });

  it('bundles every handler, and the check bundle runs as Lambda would run it', async () => {
    const bundles = (await readdir(assembly)).filter((f) => f.startsWith('asset.'));
    expect(bundles.length).toBeGreaterThanOrEqual(3);
    for (const b of bundles) {
      const size = (await stat(join(assembly, b, 'index.mjs')).catch(() => null))?.size;
      if (size === undefined) continue;
      expect(size).toBeGreaterThan(50_000);
      expect(size).toBeLessThan(5_000_000);
    }

    // The check's bundle, as Lambda would run it: cold start, then one scheduled invocation against the
    // simulator, dynalite, the SQS stand-in and the Secrets Manager stand-in.
    const check = await findBundle(assembly, bundles, 'liqwatch-check');
    const report = await invokeCheckBundle(check);
    expect(report.result).toEqual({ cycles: 1, deliveries: 1, failedSources: 0, watchedMs: 0 });
    expect(report.queued).toHaveLength(1);
    expect(report.queued[0]).toMatchObject({ groupId: '123456789' });
    expect(JSON.parse(report.queued[0]!.body)).toMatchObject({ kind: 'alerts', chatId: 123456789 });
  }, 60_000);

  it("leaves telegraf's unused whatwg-url out of the bot bundle, and with it the punycode warning at each cold start", async () => {
    const bundles = (await readdir(assembly)).filter((f) => f.startsWith('asset.'));
    const bot = await readFile(await findBundle(assembly, bundles, 'liqwatch-bot'), 'utf8');
    expect(bot).toContain('node-fetch');
    expect(bot).not.toContain('punycode');
  });
});

async function findBundle(out: string, bundles: string[], marker: string): Promise<string> {
  for (const b of bundles) {
    const file = join(out, b, 'index.mjs');
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.includes(marker)) return file;
  }
  throw new Error(`no bundle holds ${marker}`);
}

/** Runs a bundled check handler in a child process (its own environment, as in Lambda) against loopback stand-ins. */
async function invokeCheckBundle(bundle: string) {
  const sim = await startExchangeSimulator({
    accounts: [
      {
        name: 'main',
        apiKey: 'bundle-key',
        apiSecret: 'bundle-secret',
        positions: {
          usdm: [
            { symbol: 'BTCUSDT', positionAmt: 1, entryPrice: 50_000, markPrice: 50_000, liquidationPrice: 47_000 },
          ],
        },
      },
    ],
  });
  const sm = await startFakeSecretsManager({
    'liqwatch/main': JSON.stringify({ apiKey: 'bundle-key', apiSecret: 'bundle-secret' }),
  });
  const sqs = await startFakeSqs({ fifo: true });
  const dynamo = await startLocalDynamo();
  // Away from node_modules: the bundle carries its AWS SDK (LAMBDA_BUNDLING), as it must to run in Lambda.
  const dir = await mkdtemp(join(tmpdir(), 'liqwatch-lambda-'));
  try {
    await copyFile(bundle, join(dir, 'index.mjs'));
    const runner = [
      `const { handler } = await import(${JSON.stringify(join(dir, 'index.mjs'))});`,
      'const result = await handler({}, { getRemainingTimeInMillis: () => 60000 });',
      'process.stdout.write(JSON.stringify(result));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', runner], {
      env: {
        PATH: process.env.PATH,
        LIQWATCH_CONFIG: JSON.stringify({
          accounts: [{ name: 'main', sources: ['usdm'], secretId: 'liqwatch/main' }],
          telegram: { chatIds: [123456789], digest: { enabled: false } },
          endpoints: { usdm: sim.url },
          // The leg is critical: watching would hold the invocation to the end of its minute (test/check/watch-mode.test.ts).
          watch: { mode: 'off' },
        }),
        STATE_TABLE: dynamo.tableName,
        ALERTS_QUEUE_URL: sqs.queueUrl,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    });
    return { result: JSON.parse(stdout.trim().split('\n').at(-1)!), queued: [...sqs.messages] };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await Promise.all([sim.close(), sm.close(), sqs.close(), dynamo.close()]);
  }
}
