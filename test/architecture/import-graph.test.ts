import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkImportGraph, type LayerTable } from './import-graph.js';

/**
 * The layers of functions/, top to bottom. An arrow goes down, or sideways within its own folder:
 *
 *   entry         handlers, cli
 *   application   check, telegram, local
 *   service       accounts
 *   adapters      binance, store, config
 *   contracts, then shared, then the domain: core
 *
 * Each row is an allow-list: the folders under functions/ and the packages (node builtins by name) that the folder's
 * files may import. cli is the developer's command line and may import anything.
 */
// biome-ignore format: a table reads best aligned
const LAYERS: LayerTable = {
  core:      { folders:  ['core'],
               packages: ['zod', 'node:crypto'], pure: true },
  shared:    { folders:  ['shared'],
               packages: ['zod'] },
  contracts: { folders:  ['contracts', 'core', 'shared'],
               packages: ['zod', 'node:crypto'] },
  binance:   { folders:  ['binance', 'core', 'shared'],
               packages: ['undici', 'zod', 'node:crypto', 'node:util',
                          'node:timers/promises'] }, // retry.ts sleeps out its backoff between attempts
  config:    { folders:  ['config', 'binance', 'core', 'shared'],
               packages: ['zod', 'node:fs/promises', 'node:path', '@aws-sdk/client-secrets-manager',
                          '@aws-lambda-powertools/parameters'] },
  store:     { folders:  ['store', 'contracts', 'core', 'shared'],
               packages: ['zod', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', 'dynalite', 'node:path',
                          'node:fs/promises',
                          'node:http', 'node:net'] }, // the types of the local dynalite server and of its port
  accounts:  { folders:  ['accounts', 'binance', 'config', 'core', 'shared'],
               packages: [] },
  check:     { folders:  ['check', 'accounts', 'binance', 'config', 'contracts', 'core', 'shared', 'store'],
               packages: ['@aws-sdk/client-sqs', 'aws-lambda'] }, // aws-lambda: the handler's Context type
  telegram:  { folders:  ['telegram', 'accounts', 'binance', 'config', 'contracts', 'core', 'shared', 'store'],
               packages: ['telegraf', '@aws-lambda-powertools/logger', 'node:crypto',
                          'aws-lambda', 'zod'] },
  local:     { folders:  ['local', 'core', 'shared', 'contracts'],
               packages: ['ws', 'zod', 'node:http', 'node:net', 'node:crypto', 'telegraf'] },
  handlers:  { folders:  ['handlers', 'check', 'telegram', 'accounts', 'binance', 'config', 'contracts', 'core',
                          'shared', 'store'],
               packages: ['@aws-lambda-powertools/logger', '@aws-lambda-powertools/parameters',
                          '@aws-sdk/client-secrets-manager', '@aws-sdk/client-sqs', '@aws-sdk/client-dynamodb',
                          'aws-lambda'] },
  cli:       { folders:  'any',
               packages: 'any' },
};

const root = new URL('../../', import.meta.url);
const aliases: Record<string, string> = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).imports;

/** Every .ts file under functions/, by repo-relative path. */
const realTree: ReadonlyMap<string, string> = readTree();

function readTree(): Map<string, string> {
  const paths = readdirSync(new URL('functions/', root), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => `functions/${path.replaceAll('\\', '/')}`)
    .sort();
  return new Map(paths.map((path) => [path, readFileSync(new URL(path, root), 'utf8')]));
}

/** The violations found in the probe files, checked with the real tree around them. */
function probe(files: Record<string, string>) {
  const tree = new Map([...realTree, ...Object.entries(files)]);
  return checkImportGraph(tree, aliases, LAYERS).filter((violation) => violation.file in files);
}

const inCore = (source: string) => probe({ 'functions/core/probe.ts': source });

describe('the layers of functions/', () => {
  it('hold in the real tree', () => {
    expect(checkImportGraph(realTree, aliases, LAYERS)).toEqual([]);
  });

  it('allow every arrow of the table, and the table has no cycle', () => {
    const files = new Map<string, string>();
    for (const [from, rule] of Object.entries(LAYERS)) {
      const folders = rule.folders === 'any' ? Object.keys(LAYERS) : rule.folders;
      const packages = rule.packages === 'any' ? ['anything'] : rule.packages;
      const imports = [...folders.map((to) => `#${to}/x.js`), ...packages].map((to) => `import '${to}';`);
      files.set(`functions/${from}/x.ts`, imports.join('\n'));
    }
    expect(checkImportGraph(files, aliases, LAYERS)).toEqual([]);
  });
});

describe('probes: the checker fails where it should', () => {
  it.each([
    ["import { readFile } from 'node:fs/promises';", 'core may not import package node:fs/promises'],
    ["import type { WebSocket } from 'ws';", 'core may not import package ws'],
    [
      "export { Logger } from '@aws-lambda-powertools/logger';",
      'core may not import package @aws-lambda-powertools/logger',
    ],
    ["import '../check/run-check.js';", 'core may not import check'],
    ["const run = await import('#check/run-check.js');", 'core may not import check'],
    [
      "import x = require('#fakes/sqs/index.js');",
      'core may not reach outside the folders of functions/ (test/fakes/sqs/index.js)',
    ],
    ["import '#nowhere/x.js';", 'no package.json "imports" entry matches it'],
  ])('%s', (source, rule) => {
    expect(inCore(source)).toContainEqual(expect.objectContaining({ line: 1, rule }));
  });

  it.each([
    ['const t = Date.now();', 'Date.now'],
    ['const t = new Date();', 'new Date()'],
    ['const t = performance.now();', 'performance.now'],
    ['const env = process.env.STAGE;', 'process.env'],
    ["const env = process['env'];", 'process.env'],
    ['setTimeout(() => {}, 1);', 'setTimeout'],
    ['queueMicrotask(() => {});', 'queueMicrotask'],
    ['const r = Math.random();', 'Math.random'],
    ["import { randomUUID } from 'node:crypto';", 'randomUUID'],
    ['const id = crypto.randomUUID();', 'crypto.randomUUID'],
    ['crypto.getRandomValues(new Uint8Array(4));', 'crypto.getRandomValues'],
  ])('%s', (source, what) => {
    expect(inCore(source)).toEqual([
      { file: 'functions/core/probe.ts', line: 1, import: what, rule: expect.any(String) },
    ]);
  });

  it('lets the pure core format dates it is given, and name the clock in comments and strings', () => {
    const source = [
      "const day = new Intl.DateTimeFormat('en', { weekday: 'short' }).format(new Date(ms));",
      '// Date.now() is the caller’s to read; so are process.env and setTimeout',
      "const help = ['call Date.now()', `then process.exit and Math.random()`];",
      'const sorted = positions.sort((a, b) => a.timeout - b.timeout);',
    ].join('\n');
    expect(inCore(source)).toEqual([]);
  });

  it('reports a cycle between folders, with its path', () => {
    const violations = probe({
      'functions/core/probe.ts': "import type { Client } from '#binance/client.js';",
      'functions/binance/probe.ts': "import { alertKey } from '#core/alert.js';",
    });
    expect(violations).toContainEqual(
      expect.objectContaining({ import: '#binance/client.js', rule: 'core may not import binance' }),
    );
    expect(violations).toContainEqual(
      expect.objectContaining({ file: 'functions/core/probe.ts', rule: 'folder cycle: core → binance → core' }),
    );
  });

  it('names a file whose folder has no row in the table', () => {
    expect(probe({ 'functions/jobs/probe.ts': '' })).toEqual([
      { file: 'functions/jobs/probe.ts', line: 1, import: '', rule: 'jobs has no row in the layer table' },
    ]);
  });
});
