import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * What `cdk deploy` prints last, in the order the user acts: the alarm e-mail to confirm (or how to
 * subscribe one), then the message to send the bot. The CLI lists outputs by name, hence the numbers.
 */
export function nextSteps(scope: Construct, topicArn: string, alarmEmail: string | undefined): void {
  new CfnOutput(scope, 'NextStep1AlarmEmail', {
    description: 'Next: the alarms (the check failing or stopped, alerts not delivered) reach you by e-mail',
    value: alarmEmail
      ? `Confirm the subscription e-mail AWS sent to ${alarmEmail}: until then no alarm reaches you`
      : `No alarm e-mail given: deploy again with -c alarmEmail=you@example.com, or subscribe to ${topicArn}`,
  });
  new CfnOutput(scope, 'NextStep2Status', {
    description: 'Next: see that the bot answers',
    value:
      'Each chat in the config got "liqwatch is watching ..." from the bot; send /status to it for the last check of each source',
  });
}
