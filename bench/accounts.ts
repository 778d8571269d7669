/** The name, API key and HMAC secret of the benchmark's i-th account: made up, known only to the simulator. */
export function benchAccount(i: number): { name: string; apiKey: string; apiSecret: string } {
  const name = `bench${String(i).padStart(2, '0')}`;
  return { name, apiKey: `key-${name}`, apiSecret: `secret-${name}` };
}
