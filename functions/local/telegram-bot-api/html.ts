/**
 * Telegram's HTML parse mode, as the Bot API checks it (https://core.telegram.org/bots/api#html-style):
 * only its tags, every tag closed in order, `<`, `>` and `&` escaped. Returns the visible text, whose
 * length is what the 4096-character limit counts, or the error Telegram answers.
 */
const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  let text = '';
  const open: string[] = [];
  let i = 0;
  const offset = (at: number) => Buffer.byteLength(html.slice(0, at));
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return { error: `Can't parse entities: unclosed start tag at byte offset ${offset(i)}` };
      const inner = html.slice(i + 1, end).trim();
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (top !== name) {
          return {
            error: top
              ? `Can't parse entities: can't find end tag corresponding to start tag "${top}"`
              : `Can't parse entities: unexpected end tag at byte offset ${offset(i)}`,
          };
        }
      } else {
        const name = /^[a-z-]+/i.exec(inner)?.[0]?.toLowerCase() ?? '';
        if (!TAGS.has(name)) {
          return {
            error: `Can't parse entities: unsupported start tag "${name || inner}" at byte offset ${offset(i)}`,
          };
        }
        if (name === 'span' && !/class\s*=\s*"tg-spoiler"/.test(inner)) {
          return { error: `Can't parse entities: tag "span" must have class "tg-spoiler" at byte offset ${offset(i)}` };
        }
        open.push(name);
      }
      i = end + 1;
      continue;
    }
    if (c === '&') {
      const m = /^&(#\d+|#x[0-9a-f]+|[a-z]+);/i.exec(html.slice(i));
      if (m) {
        const name = m[1]!;
        if (name.startsWith('#')) {
          const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
          text += String.fromCodePoint(code);
        } else if (ENTITIES[name]) {
          text += ENTITIES[name];
        } else {
          // Unknown named entities are left as they are, as Telegram does.
          text += m[0];
        }
        i += m[0].length;
        continue;
      }
      // The docs require every `&` outside an entity to be escaped.
      return { error: `Can't parse entities: unescaped "&" at byte offset ${offset(i)}` };
    }
    if (c === '>') {
      text += c;
      i++;
      continue;
    }
    text += c;
    i++;
  }
  if (open.length > 0) {
    return { error: `Can't parse entities: can't find end tag corresponding to start tag "${open.at(-1)}"` };
  }
  return { text };
}
