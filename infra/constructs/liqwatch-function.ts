import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Architecture, type Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * How every liqwatch function is bundled, exported so bench/cold-import.ts builds what Lambda runs.
 * The AWS SDK is bundled too, not taken from the runtime: esbuild keeps only the commands used from its
 * ES modules, where the runtime's CommonJS copy costs a lexer pass over each file on import, so the
 * check's cold import is about a quarter shorter this way (docs/performance.md), and the SDK is pinned.
 */
export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  target: 'node22',
  externalModules: [],
  // Some bundled CommonJS dependencies call require(); give ESM one.
  banner:
    "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
  // Dead weight on Node 22, replaced by Node's own URL (the stand-in says why). esbuild resolves the path
  // from the project root, where the stack's bundling runs.
  esbuildArgs: { '--alias:whatwg-url': './infra/constructs/whatwg-url-stand-in.ts' },
  forceDockerBundling: false,
} satisfies BundlingOptions;

/** What a resource's bind method needs of a function: a variable to name the resource by, and a role to grant. */
export type BindableFunction = IGrantable & Pick<LambdaFunction, 'addEnvironment'>;

export interface LiqwatchFunctionProps {
  /** The handler module, relative to the repository root (`functions/handlers/check.ts`). */
  readonly entry: string;
  readonly description: string;
  /** @default 512 MB: signing and parsing are CPU-bound, and Lambda gives CPU with memory. */
  readonly memorySize?: number;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** Powertools' service name in every log line. */
  readonly serviceName: string;
}

/**
 * A liqwatch Lambda: Node 22 on arm64, bundled locally by esbuild as ESM (so start-up work is a top-level
 * await at init), minified with source maps, structured JSON logs into a log group with a retention.
 */
export class LiqwatchFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LiqwatchFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: LAMBDA_BUNDLING,
    });
  }
}
