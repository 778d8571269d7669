/** Telegram's limit on a message's text (https://core.telegram.org/bots/api#sendmessage). */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

/**
 * Escapes text for Telegram's HTML parse mode: `<`, `>` and `&` (and `"` for attribute values) are the
 * only characters it requires escaped (https://core.telegram.org/bots/api#html-style).
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Splits a message into parts under the limit, on line boundaries, so no tag is cut in two (every line
 * closes the tags it opens). Blank-line-separated blocks are kept together where they fit; a single line
 * longer than the limit (which our renderers never produce) is cut at the limit.
 */
export function splitMessage(text: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim() !== '') parts.push(current.replace(/\n+$/, ''));
    current = '';
  };
  for (const block of text.split(/\n\n/)) {
    const candidate = current === '' ? block : `${current}\n\n${block}`;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    push();
    if (block.length <= limit) {
      current = block;
      continue;
    }
    for (const line of block.split('\n')) {
      const next = current === '' ? line : `${current}\n${line}`;
      if (next.length <= limit) {
        current = next;
        continue;
      }
      push();
      let rest = line;
      while (rest.length > limit) {
        parts.push(rest.slice(0, limit));
        rest = rest.slice(limit);
      }
      current = rest;
    }
  }
  push();
  return parts;
}
