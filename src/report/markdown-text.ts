import type { ProseMarkup } from './comparison-view.js';

/** Text safe inside a Markdown table cell. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A Markdown code span (a backtick inside becomes a quote: spans cannot escape it). */
export function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

/** Prose in report.md: code spans in backticks, lists of ids as listIds names them. */
export const MARKDOWN_PROSE: ProseMarkup = { code, text: (text) => text, maxIds: 20 };
