/** A word a POSIX shell reads as written, left bare when shown; `{}` for the plan's placeholders, like `{port}`. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./{}-]+$/;

/** Quotes one word for a POSIX shell, always in single quotes: for a command a shell will run (the one perfsuite sends over ssh). */
export function quoteForRemoteShell(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Quotes an argv entry for people to read (plans, messages, reports), only where a shell would need it; processes are always spawned from argv arrays. */
export function shellQuote(arg: string): string {
  return PLAIN_WORD.test(arg) ? arg : quoteForRemoteShell(arg);
}
