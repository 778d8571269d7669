import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, type CfnGlobalTable, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { BindableFunction } from './liqwatch-function.js';

/** The logical id of the table; it never changes, or CloudFormation would replace the table. */
export const STATE_TABLE_LOGICAL_ID = 'StateTable';

/**
 * The state table (functions/store/dynamo-state-store.ts): key `pk`/`sk`, on demand, items that
 * expire removed by TTL on `expiresAt`, point-in-time recovery, kept when the stack is deleted.
 */
export class StateTable extends Construct {
  public readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.table.node.defaultChild as CfnGlobalTable).overrideLogicalId(STATE_TABLE_LOGICAL_ID);
  }

  /** Read-write access and the variable that names the table, granted together. */
  bindTo(fn: BindableFunction): void {
    this.table.grantReadWriteData(fn);
    fn.addEnvironment('STATE_TABLE', this.table.tableName);
  }
}
