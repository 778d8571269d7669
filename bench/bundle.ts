import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

export interface BundleResult {
  label: string;
  bytes: number;
  gzipBytes: number;
  /** The biggest contributors: a package name, or `liqwatch` for the project's own files. */
  parts: { name: string; bytes: number }[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The minified ESM bundle for Node of one entry, as a Lambda bundler builds it: its size, gzipped size
 * and what fills it.
 */
export async function measureBundle(
  label: string,
  entry: { file: string } | { contents: string },
): Promise<BundleResult> {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' as const } }),
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]!.contents;
  return { label, bytes: output.byteLength, gzipBytes: gzipSync(output).byteLength, parts: partsOf(result.metafile) };
}

export function partsOf(metafile: Metafile): { name: string; bytes: number }[] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'liqwatch';
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}
