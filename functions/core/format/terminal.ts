/**
 * A Telegram HTML message as terminal text: tags dropped (bold kept as ANSI bold where the terminal
 * shows colour), entities decoded.
 */
export function htmlToTerminal(html: string, colour: boolean): string {
  const bold = colour ? ['\u001b[1m', '\u001b[22m'] : ['', ''];
  return html
    .replace(/<b>|<strong>/g, bold[0]!)
    .replace(/<\/b>|<\/strong>/g, bold[1]!)
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}
