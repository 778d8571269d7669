import { CfnParameter, CfnRule, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** What a deploy of a template synthesised from the example config stops with. */
export const EXAMPLE_REFUSED =
  'This template was synthesised from liqwatch.config.example.json (-c example=true) and cannot be deployed: ' +
  'copy it to liqwatch.config.json, set your accounts and chat, and run npx cdk deploy without -c example=true.';

/**
 * Makes a template synthesised from the example config undeployable. CloudFormation checks a template's
 * rules before it creates or changes anything (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html),
 * so a `cdk deploy -c example=true` stops there, with the reason, whatever the CLI was asked. The rule
 * reads a parameter, as the CDK bootstrap's own version check does.
 */
export class ExampleGuard extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const source = new CfnParameter(this, 'ConfigSource', {
      type: 'String',
      default: 'example',
      description: 'Where the config of this template came from (set by the CDK app)',
    });
    new CfnRule(this, 'NotTheExample', {
      assertions: [
        {
          assert: Fn.conditionNot(Fn.conditionEquals(source.valueAsString, 'example')),
          assertDescription: EXAMPLE_REFUSED,
        },
      ],
    });
  }
}
