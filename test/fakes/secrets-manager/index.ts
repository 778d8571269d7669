import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecretsManager {
  /** For `new SecretsManagerClient({ endpoint })`. */
  endpoint: string;
  /** Names (or ARNs) → secret strings; change them to rotate a key. */
  secrets: Map<string, string>;
  /** Every GetSecretValue asked for, by SecretId. */
  reads: string[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for Secrets Manager's GetSecretValue, PutSecretValue and CreateSecret in the AWS
 * JSON 1.1 protocol the SDK v3 speaks, answering ResourceNotFoundException for an unknown secret and
 * ResourceExistsException for a name taken, as the service does.
 */
export async function startFakeSecretsManager(initial: Record<string, string> = {}): Promise<FakeSecretsManager> {
  const secrets = new Map(Object.entries(initial));
  const reads: string[] = [];
  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
      SecretId?: string;
      Name?: string;
      SecretString?: string;
    };
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    const target = req.headers['x-amz-target'];
    const id = input.SecretId ?? '';
    if (target === 'secretsmanager.CreateSecret') {
      const name = input.Name ?? '';
      if (secrets.has(name)) {
        return send(400, { __type: 'ResourceExistsException', message: `The secret ${name} already exists.` });
      }
      secrets.set(name, input.SecretString ?? '');
      return send(200, { ARN: `arn:aws:secretsmanager:local:000000000000:secret:${name}-AbCdEf`, Name: name });
    }
    if (target === 'secretsmanager.PutSecretValue') {
      if (!secrets.has(id)) {
        return send(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      secrets.set(id, input.SecretString ?? '');
      return send(200, {
        ARN: `arn:aws:secretsmanager:local:000000000000:secret:${id}-AbCdEf`,
        Name: id,
        VersionId: 'v',
      });
    }
    if (target !== 'secretsmanager.GetSecretValue') {
      return send(400, {
        __type: 'InvalidRequestException',
        message: 'only GetSecretValue, PutSecretValue and CreateSecret are served here',
      });
    }
    reads.push(id);
    const value = secrets.get(id);
    if (value === undefined) {
      return send(400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    send(200, {
      ARN: `arn:aws:secretsmanager:local:000000000000:secret:${id}-AbCdEf`,
      Name: id,
      SecretString: value,
      VersionId: `v${reads.length}`,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    });
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    reads,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
