import { describe, expect, it } from 'vitest';
import { htmlToPlainText, splitMessage, TELEGRAM_MESSAGE_LIMIT } from '#core/format/html.js';
import { parseTelegramHtml } from '#local/telegram-bot-api/html.js';

/** The visible text of a part, as the Telegram stand-in parses it; a part it refuses fails the test. */
function visibleOf(html: string): string {
  const parsed = parseTelegramHtml(html);
  if ('error' in parsed) throw new Error(`${parsed.error} in part ${JSON.stringify(html.slice(0, 200))}…`);
  return parsed.text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A seeded generator (a linear congruential one), so every run draws the same texts and a failure names its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const TEXT = ['BTCUSDT', 'x', ' ', ' ', '0.001', 'mark', '&amp;', '&lt;', '&gt;', '&quot;', '&#128512;', '&#x1F4A5;'];
const CHARS = ['😀', '🇯🇵', '👍🏽', '𝔘', '中', 'é', '🔴'];
const TAGS = ['<b>', '<i>', '<u>', '<s>', '<code>', '<tg-spoiler>', '<a href="https://example.com/?a=1&amp;b=2">'];
const nameOf = (open: string) => /^<([a-z-]+)/.exec(open)![1]!;

/** Balanced Telegram HTML of about `length` characters: words, entities, emoji, nested tags; line breaks if asked. */
function generate(seed: number, length: number, lineBreaks: boolean): string {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  let html = '';
  const open: string[] = [];
  while (html.length < length) {
    const r = next();
    if (r < 0.04 && open.length < 4) {
      const tag = pick(TAGS);
      open.push(nameOf(tag));
      html += tag;
    } else if (r < 0.08 && open.length > 0) {
      html += `</${open.pop()}>`;
    } else if (r < 0.1 && lineBreaks) {
      html += next() < 0.3 ? '\n\n' : '\n';
    } else if (r < 0.35) {
      html += pick(CHARS);
    } else {
      html += pick(TEXT);
    }
  }
  while (open.length > 0) html += `</${open.pop()}>`;
  return html;
}

/**
 * Every part parses, fits the limit in visible characters and holds no half character; the parts'
 * visible texts, read one after the other, are the original's, less only the line breaks cut at.
 */
function expectFaithfulSplit(html: string, limit: number): string[] {
  const parts = splitMessage(html, limit);
  const original = visibleOf(html);
  let at = 0;
  for (const [i, part] of parts.entries()) {
    const visible = visibleOf(part);
    expect(visible.length, `part ${i} is ${visible.length} visible characters`).toBeLessThanOrEqual(limit);
    expect(visible.trim(), `part ${i} is blank`).not.toBe('');
    expect(LONE_SURROGATE.test(part), `part ${i} holds half a character`).toBe(false);
    if (i > 0) while (original[at] === '\n') at++;
    const continues = original.startsWith(visible, at);
    expect(continues, `part ${i} does not continue the text at ${at}`).toBe(true);
    at += visible.length;
  }
  while (original[at] === '\n') at++;
  expect(at, 'the parts hold all of the text').toBe(original.length);
  return parts;
}

describe('splitting a message on its visible text', () => {
  it('a line of entities longer than the limit is never cut inside an entity', () => {
    const html = `${'&amp;'.repeat(3000)}${'&lt;'.repeat(3000)}`;
    const parts = expectFaithfulSplit(html, TELEGRAM_MESSAGE_LIMIT);
    // 6000 visible characters: two parts, not five cut by the length of the source.
    expect(parts).toHaveLength(2);
    expect(parts.map(visibleOf).join('')).toBe(`${'&'.repeat(3000)}${'<'.repeat(3000)}`);
  });

  it('a line of emoji is never cut between the halves of a character', () => {
    // An odd start puts the 4096th code unit between the halves of an emoji.
    const html = `x${'😀'.repeat(2100)}`;
    const parts = expectFaithfulSplit(html, TELEGRAM_MESSAGE_LIMIT);
    expect(parts.map(visibleOf).join('')).toBe(html);
  });

  it('a message that fits in visible characters stays whole, however long its source', () => {
    const html = `<b>${'&amp;'.repeat(4000)}</b>`;
    expect(splitMessage(html)).toEqual([html]);
  });

  it('a cut inside a tag closes it, and the next part opens it again', () => {
    const html = `<b>${'a'.repeat(5000)}</b> tail <a href="https://example.com/?q=1&amp;r=2">${'l'.repeat(5000)}</a>`;
    const parts = expectFaithfulSplit(html, TELEGRAM_MESSAGE_LIMIT);
    expect(parts[0]).toMatch(/^<b>a+<\/b>$/);
    expect(parts[1]).toMatch(/^<b>a+<\/b> tail <a href="https:\/\/example.com\/\?q=1&amp;r=2">l+<\/a>$/);
    expect(parts[2]).toMatch(/^<a href="https:\/\/example.com\/\?q=1&amp;r=2">l+<\/a>$/);
  });

  it('prefers a blank line, then a line break, then a space to a cut in a word', () => {
    const para = `${'p'.repeat(3000)}\n\n${'q'.repeat(600)}\n${'r'.repeat(600)} ${'s'.repeat(600)}`;
    expect(splitMessage(para)).toEqual(['p'.repeat(3000), `${'q'.repeat(600)}\n${'r'.repeat(600)} ${'s'.repeat(600)}`]);
    const lines = `${'a'.repeat(3000)}\n${'b'.repeat(1500)} ${'c'.repeat(100)}`;
    expect(splitMessage(lines)).toEqual(['a'.repeat(3000), `${'b'.repeat(1500)} ${'c'.repeat(100)}`]);
    const words = `${'a'.repeat(3000)} ${'b'.repeat(1500)}`;
    expect(splitMessage(words)).toEqual([`${'a'.repeat(3000)} `, 'b'.repeat(1500)]);
  });

  it.each([
    [1, 20_000, TELEGRAM_MESSAGE_LIMIT],
    [2, 50_000, TELEGRAM_MESSAGE_LIMIT],
    [3, 3_000, 64],
    [4, 3_000, 7],
    [5, 9_000, 333],
  ])(
    'long single lines (seed %i, %i characters, limit %i): every part parses, fits, and they join to the text',
    (seed, length, limit) => {
      for (let s = 0; s < 10; s++) {
        const html = generate(seed * 100 + s, length, false);
        const parts = expectFaithfulSplit(html, limit);
        expect(parts.map(visibleOf).join('')).toBe(visibleOf(html));
      }
    },
  );

  it.each([
    [6, 20_000, TELEGRAM_MESSAGE_LIMIT],
    [7, 3_000, 64],
    [8, 9_000, 500],
  ])(
    'text with line breaks (seed %i, %i characters, limit %i): the same, less the line breaks cut at',
    (seed, length, limit) => {
      for (let s = 0; s < 10; s++) expectFaithfulSplit(generate(seed * 100 + s, length, true), limit);
    },
  );
});

describe('the plain text of a message', () => {
  it('drops the tags and decodes the entities, as Telegram shows the text', () => {
    const html = '<b>BTC&amp;ETH</b> &lt;3 <a href="https://x/?a=1&amp;b=2">link</a> &#128512; &quot;q&quot; &gt; 😀';
    expect(htmlToPlainText(html)).toBe('BTC&ETH <3 link 😀 "q" > 😀');
    expect(htmlToPlainText(html)).toBe(visibleOf(html));
  });
});
