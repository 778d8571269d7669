/**
 * The import graph of functions/, checked against a table of layers.
 *
 * Why: the folders of functions/ are layers (entry → application → service → adapters → contracts → shared → core),
 * and a layer is only worth its name while arrows go down. A lint deny-list names what one folder may not touch and
 * lets everything new through; this checker reads every import (static, re-export, side-effect, dynamic, type-only),
 * resolves it to a folder or a package, and holds each folder to an allow-list. It also refuses a cycle between
 * folders and keeps the pure folders (the domain core) off the clock, the process and randomness.
 *
 * Pure: it takes the sources as text and returns the violations, so a test can feed it the real tree or the real tree
 * plus a probe. It reads with the TypeScript compiler (a token scan for imports, a full parse of the pure folders), so
 * comments and strings never count as code; a specifier computed at run time (`import(name)`) is not seen.
 */
import { posix } from 'node:path';
import ts from 'typescript';

/** What files of one folder may import: folders under functions/ and packages (`'any'` for no limit). */
export interface FolderRule {
  folders: readonly string[] | 'any';
  packages: readonly string[] | 'any';
  /** Reads no clock, process or randomness, so the same input always gives the same output. */
  pure?: boolean;
}
export type LayerTable = Readonly<Record<string, FolderRule>>;

export interface Violation {
  file: string;
  line: number;
  /** The import specifier, or for a pure folder the expression that is not pure. */
  import: string;
  rule: string;
}

type Where = Omit<Violation, 'rule'>;

/**
 * Checks `files` (repo-relative path → source; the .ts files under functions/) against `table`; `aliases` is
 * package.json "imports" (`#core/*` → `./functions/core/*`; plain string targets, no conditions).
 */
export function checkImportGraph(
  files: ReadonlyMap<string, string>,
  aliases: Readonly<Record<string, string>>,
  table: LayerTable,
): Violation[] {
  const violations: Violation[] = [];
  const edges = new Map<string, Map<string, Where>>();
  for (const [file, source] of files) {
    const from = /^functions\/([^/]+)\/./.exec(file)?.[1];
    const rule = from === undefined ? undefined : table[from];
    if (from === undefined || rule === undefined) {
      violations.push({ file, line: 1, import: '', rule: `${from ?? file} has no row in the layer table` });
      continue;
    }
    const impure = rule.pure ? impureIn(file, source) : [];
    for (const where of impure) violations.push({ ...where, rule: `${from} is pure: no clock, process or randomness` });
    for (const where of importsOf(file, source)) {
      const target = resolve(where.import, file, aliases);
      const broken = brokenRule(from, rule, target);
      if (broken) violations.push({ ...where, rule: broken });
      if ('folder' in target && target.folder !== from) {
        const out = edges.get(from) ?? edges.set(from, new Map()).get(from)!;
        if (!out.has(target.folder)) out.set(target.folder, where);
      }
    }
  }
  return [...violations, ...cycles(edges)];
}

type Target = { folder: string } | { pkg: string } | { outside: string } | { unresolved: true };

function brokenRule(from: string, rule: FolderRule, target: Target): string | undefined {
  if ('unresolved' in target) return 'no package.json "imports" entry matches it';
  if ('outside' in target) return `${from} may not reach outside the folders of functions/ (${target.outside})`;
  if ('folder' in target) {
    const ok = rule.folders === 'any' || rule.folders.includes(target.folder);
    return ok ? undefined : `${from} may not import ${target.folder}`;
  }
  const ok = rule.packages === 'any' || rule.packages.includes(target.pkg);
  return ok ? undefined : `${from} may not import package ${target.pkg}`;
}

/** An alias or a relative path becomes the folder under functions/ it lands in; anything else is a package. */
function resolve(specifier: string, file: string, aliases: Readonly<Record<string, string>>): Target {
  let path: string;
  if (specifier.startsWith('#')) {
    const mapped = expandAlias(specifier, aliases);
    if (mapped === undefined) return { unresolved: true };
    path = posix.normalize(mapped);
  } else if (specifier.startsWith('.') || specifier.startsWith('/')) {
    path = posix.normalize(posix.join(posix.dirname(file), specifier));
  } else {
    return { pkg: packageName(specifier) };
  }
  const folder = /^functions\/([^/]+)\/./.exec(path)?.[1];
  return folder === undefined ? { outside: path } : { folder };
}

/** Node's rule for "imports": an exact key, else the pattern with the longest prefix before its `*`. */
function expandAlias(specifier: string, aliases: Readonly<Record<string, string>>): string | undefined {
  let best: { prefix: string; target: string; rest: string } | undefined;
  for (const [key, target] of Object.entries(aliases)) {
    if (key === specifier) return target;
    const [prefix = '', suffix, ...more] = key.split('*');
    const fits = suffix !== undefined && more.length === 0 && specifier.length >= key.length - 1;
    if (
      fits &&
      specifier.startsWith(prefix) &&
      specifier.endsWith(suffix) &&
      prefix.length > (best?.prefix.length ?? -1)
    ) {
      best = { prefix, target, rest: specifier.slice(prefix.length, specifier.length - suffix.length) };
    }
  }
  return best?.target.replaceAll('*', best.rest);
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; `node:x/y` stays, a builtin's subpath is its own module. */
function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

const IMPURE_NAMES =
  /^(setTimeout|setInterval|setImmediate|queueMicrotask|randomUUID|randomBytes|randomInt|randomFill(Sync)?|getRandomValues)$/;
/** A file without any of these words needs no parse. */
const MAY_BE_IMPURE = /Date|performance|process|set(Timeout|Interval|Immediate)|queueMicrotask|random/i;
const IMPURE_MEMBERS = /^(Date\.now|performance\.now|Math\.random|crypto\.(random\w*|getRandomValues))$/;

/** What one file imports, by TypeScript's pre-parser: a token scan, fast, that skips comments and strings. */
function importsOf(file: string, source: string): Where[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName, pos }) => ({ file, line: lineAt(source, pos), import: fileName }));
}

/** In a pure folder's file, the expressions that read the clock, the process or chance: a full parse, so exact. */
function impureIn(file: string, source: string): Where[] {
  if (!MAY_BE_IMPURE.test(source)) return [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Where[] = [];
  const visit = (node: ts.Node, parent: ts.Node | undefined): void => {
    const what = impurity(node, parent);
    if (what !== undefined) found.push({ file, line: lineAt(source, node.getStart(sf)), import: what });
    ts.forEachChild(node, (child) => visit(child, node));
  };
  visit(sf, undefined);
  return found;
}

const lineAt = (source: string, pos: number) => source.slice(0, pos).split('\n').length;

function impurity(node: ts.Node, parent: ts.Node | undefined): string | undefined {
  if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && ts.isIdentifier(node.expression)) {
    const key = ts.isPropertyAccessExpression(node) ? node.name : node.argumentExpression;
    const member = `${node.expression.text}.${ts.isMemberName(key) || ts.isStringLiteralLike(key) ? key.text : '[…]'}`;
    return IMPURE_MEMBERS.test(member) || node.expression.text === 'process' ? member : undefined;
  }
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
    return node.arguments?.length ? undefined : 'new Date()';
  }
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') return 'Date()';
  const isMemberName = parent && ts.isPropertyAccessExpression(parent) && parent.name === node;
  return ts.isIdentifier(node) && !isMemberName && IMPURE_NAMES.test(node.text) ? node.text : undefined;
}

/** Each arrow between folders that a path of arrows leads back from, with the shortest such loop. */
function cycles(edges: ReadonlyMap<string, ReadonlyMap<string, Where>>): Violation[] {
  const found: Violation[] = [];
  for (const [from, targets] of edges) {
    for (const [to, where] of targets) {
      const back = shortestPath(edges, to, from);
      if (back) found.push({ ...where, rule: `folder cycle: ${[from, ...back].join(' → ')}` });
    }
  }
  return found;
}

function shortestPath(edges: ReadonlyMap<string, ReadonlyMap<string, Where>>, start: string, goal: string) {
  const previous = new Map<string, string>([[start, start]]);
  const queue = [start];
  for (const node of queue) {
    if (node === goal) {
      const path = [goal];
      while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
      return path;
    }
    for (const next of edges.get(node)?.keys() ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}
