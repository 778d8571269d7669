import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { lockStateDir, type StateDirLock } from './state-dir-lock.js';

/** The table's key schema, as the stack creates it (infra/constructs/state-table.ts). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // A new table is CREATING for a moment (dynalite too, even with createTableMs 0), and every item call
  // on it answers "Requested resource not found" meanwhile: wait until it is ACTIVE.
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/**
 * DynamoDB on the laptop and in tests: dynalite on loopback, in memory or on disk under `path` (so
 * successive runs see the same state), with the state table created. A directory is held by one
 * process at a time: another liqwatch using it is refused with `StateDirInUseError`.
 */
export async function startLocalDynamo(opts: { path?: string; tableName?: string } = {}): Promise<LocalDynamo> {
  let lock: StateDirLock | undefined;
  if (opts.path) {
    await mkdir(opts.path, { recursive: true });
    lock = await lockStateDir(opts.path);
  }
  try {
    return await serve(opts, lock);
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

async function serve(
  opts: { path?: string; tableName?: string },
  lock: StateDirLock | undefined,
): Promise<LocalDynamo> {
  const server = dynalite({
    ...(opts.path ? { path: opts.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = opts.tableName ?? 'liqwatch-state';
  await ensureTable(client, tableName);
  return {
    endpoint,
    client,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await lock?.release();
    },
  };
}
