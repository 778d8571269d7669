import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery, type TranslateConfig } from '@aws-sdk/lib-dynamodb';

/**
 * What an adapter of one concern needs of the state table: the document client, the table's name, and a
 * whole partition (`pk`) read back, page by page, in sort-key order.
 */
export abstract class TableItems {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;

  constructor(client: DynamoDBClient, tableName: string, translate?: TranslateConfig) {
    this.doc = DynamoDBDocumentClient.from(client, translate);
    this.table = tableName;
  }

  protected async partition(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
