import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FakeSecretsManager } from '#fakes/secrets-manager/index.js';

/** The real SDK client pointed at the Secrets Manager stand-in, with placeholder region and credentials. */
export function secretsClientFor(sm: Pick<FakeSecretsManager, 'endpoint'>): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
