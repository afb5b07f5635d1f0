// How messages quote input (a field, a column name, a JSON value, a flag's text): on one line, with control
// and invisible characters escaped, and cut to about 80 characters, so no input can redraw a terminal.

/** Control characters, C1 controls (CSI is \u009b), invisible and bidirectional-override characters. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00a0\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The longest quote messages show; longer text is cut to QUOTE_LIMIT - 3 characters and '...'. */
export const QUOTE_LIMIT = 80;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Every unsafe character of `text` as an escape (\n, \t, \u001b, ...); the rest unchanged. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar).replace(LONE_SURROGATE, escapeChar);
}

/** `text` escaped and, when longer than QUOTE_LIMIT, cut (never inside an escape or a surrogate pair). */
export function escapeText(text: string, limit = QUOTE_LIMIT): string {
  // escape a little more than can be shown, then cut: a 1 MB name costs no more than a short one
  const head = text.length > limit ? text.slice(0, limit + 1) : text;
  const escaped = escapeControls(head.replace(/\\/g, '\\\\'));
  if (text.length <= limit && escaped.length <= limit) return escaped;
  let cut = limit - 3;
  const lastEscape = escaped.lastIndexOf('\\', cut);
  if (lastEscape >= 0 && lastEscape + 6 > cut && /^\\(u[0-9a-f]{4}|[nrtbf\\])/.test(escaped.slice(lastEscape))) {
    const len = escaped[lastEscape + 1] === 'u' ? 6 : 2;
    if (lastEscape + len > cut) cut = lastEscape;
  }
  const code = escaped.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${escaped.slice(0, cut)}...`;
}

/** Input text as messages quote it: 'text', escaped and cut. */
export function quote(text: string): string {
  return `'${escapeText(text)}'`;
}
