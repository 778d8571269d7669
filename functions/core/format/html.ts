/**
 * Telegram's limit on a message's text: 4096 characters of the text left once entities are parsed
 * (https://core.telegram.org/bots/api#sendmessage), counted here in UTF-16 code units as Telegram counts them.
 */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

/**
 * Escapes text for Telegram's HTML parse mode: `<`, `>` and `&` (and `"` for attribute values) are the
 * only characters it requires escaped (https://core.telegram.org/bots/api#html-style).
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A piece of a message's HTML that is never cut: a tag, an entity, or one character (both halves of a surrogate pair). */
type Token = { kind: 'text'; raw: string; visible: string } | OpenTag | { kind: 'close'; raw: string; name: string };

interface OpenTag {
  kind: 'open';
  raw: string;
  name: string;
}

/** The tags of Telegram's HTML style; anything else in angle brackets is text. */
const TAG_NAMES = new Set('b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji'.split(' '));
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function tokenize(html: string): Token[] {
  const tag = /<(\/?)\s*([a-z][a-z-]*)[^>]*>/iy;
  const entity = /&(#\d+|#x[0-9a-f]+|[a-z]+);/iy;
  const tokens: Token[] = [];
  let i = 0;
  while (i < html.length) {
    tag.lastIndex = i;
    entity.lastIndex = i;
    const t = html[i] === '<' ? tag.exec(html) : null;
    const name = t?.[2]?.toLowerCase();
    const e = html[i] === '&' ? entity.exec(html) : null;
    let token: Token;
    if (t && name && TAG_NAMES.has(name)) {
      token = t[1] ? { kind: 'close', raw: t[0], name } : { kind: 'open', raw: t[0], name };
    } else if (e) {
      token = { kind: 'text', raw: e[0], visible: decodeEntity(e[0], e[1]!) };
    } else {
      const c = String.fromCodePoint(html.codePointAt(i)!);
      token = { kind: 'text', raw: c, visible: c };
    }
    tokens.push(token);
    i += token.raw.length;
  }
  return tokens;
}

function decodeEntity(raw: string, body: string): string {
  if (!body.startsWith('#')) return NAMED_ENTITIES[body.toLowerCase()] ?? raw; // unknown names stay as written
  const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
  return code <= 0x10ffff ? String.fromCodePoint(code) : raw;
}

const visibleOf = (tokens: readonly Token[]) => tokens.map((t) => (t.kind === 'text' ? t.visible : '')).join('');

/** The text Telegram shows for a message's HTML: tags dropped, entities decoded. */
export function htmlToPlainText(html: string): string {
  return visibleOf(tokenize(html));
}

/** The tags still open after `tokens`, given those open before them. */
function openAfter(open: readonly OpenTag[], tokens: readonly Token[]): OpenTag[] {
  const stack = [...open];
  for (const t of tokens) {
    if (t.kind === 'open') stack.push(t);
    else if (t.kind === 'close' && stack.at(-1)?.name === t.name) stack.pop();
  }
  return stack;
}

/** A part ends before `end`; the next starts at `resume` (after the line breaks cut at, which are dropped). */
interface Cut {
  end: number;
  resume: number;
}

/**
 * Where the part starting at `start` ends: at the last blank line that fits, else the last line break,
 * else the last space past half the limit, else at the last character that fits.
 */
function findCut(tokens: readonly Token[], start: number, limit: number): Cut {
  let used = 0;
  let para: Cut | undefined;
  let line: Cut | undefined;
  let space: Cut | undefined;
  let run: { start: number; end: number; breaks: number } | undefined;
  // A cut leaves no part without something to show: Telegram refuses a blank message.
  let ink = false;
  const endRun = () => {
    if (run && run.breaks > 1) para = { end: run.start, resume: run.end };
    else if (run) line = { end: run.start, resume: run.end };
    run = undefined;
  };
  let i = start;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'text') continue;
    if (t.visible === '\n' && ink) {
      run = run ? { ...run, end: i + 1, breaks: run.breaks + 1 } : { start: i, end: i + 1, breaks: 1 };
      used += 1; // a break the part is cut at is dropped, so it may overrun
      continue;
    }
    endRun();
    if (used + t.visible.length > limit) break;
    used += t.visible.length;
    if (!/^\s$/.test(t.visible)) ink = true;
    else if (ink && used * 2 >= limit) space = { end: i + 1, resume: i + 1 };
  }
  if (used <= limit && i === tokens.length) return { end: i, resume: i };
  endRun();
  const cut = para ?? line ?? space ?? { end: i, resume: i };
  // An opening tag just before the cut goes with the text it opens.
  let end = cut.end;
  while (end > start && tokens[end - 1]!.kind === 'open') end--;
  const resume = cut.end === cut.resume ? end : cut.resume;
  if (resume > start) return { end, resume };
  // Not one character fits (a limit under two code units): one character per part rather than none.
  return { end: i + 1, resume: i + 1 };
}

/**
 * Splits a message's HTML into parts of at most `limit` visible characters (what Telegram counts),
 * preferring blank lines, then line breaks, then spaces. A part is never cut inside a tag, an entity or
 * a character; a tag open at a cut is closed at the end of the part and opened again at the start of
 * the next, so every part is valid HTML. The line breaks at a cut are dropped, and so is a part with
 * nothing to show (a run of spaces longer than the limit, which Telegram would refuse as empty); nothing else.
 */
export function splitMessage(text: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  // The visible text is never longer than its source.
  if (text.length <= limit) return [text];
  const tokens = tokenize(text);
  const parts: string[] = [];
  let open: OpenTag[] = [];
  let start = 0;
  while (start < tokens.length) {
    const { end, resume } = findCut(tokens, start, limit);
    const body = tokens.slice(start, end);
    const closing = openAfter(open, body);
    if (visibleOf(body).trim() !== '') {
      const reopen = open.map((t) => t.raw).join('');
      const close = closing
        .map((t) => `</${t.name}>`)
        .reverse()
        .join('');
      parts.push(`${reopen}${body.map((t) => t.raw).join('')}${close}`);
    }
    open = openAfter(closing, tokens.slice(end, resume));
    start = resume;
    // A tag that closes right at the cut is not opened again only to be closed.
    for (let t = tokens[start]; t?.kind === 'close' && open.at(-1)?.name === t.name; t = tokens[++start]) open.pop();
  }
  return parts;
}
