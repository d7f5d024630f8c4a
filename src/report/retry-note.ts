import type { CaseResult } from '../model/results.js';

/** How a retry's reason reads: its kind and the first clause of its message (the advice after `;` no longer applies). */
function reasonText(reason: { readonly kind: string; readonly message: string }): string {
  const [what = ''] = reason.message.split('; ');
  return what === '' ? reason.kind : `${reason.kind}: ${what}`;
}

/**
 * What a case's infrastructure retries were, for its line, row and JUnit case: `retried once after netserver-died: the
 * netserver at 127.0.0.1:40001 went away during the test (or rejected the passphrase)`. Undefined when it needed none.
 * Each distinct reason is said once, with how often it came when more than once; results written before the reasons
 * were kept say only that there was an infrastructure failure.
 */
export function retryNote(c: Pick<CaseResult, 'retries' | 'retryReasons'>): string | undefined {
  if (c.retries <= 0) return undefined;
  const times = c.retries === 1 ? 'once' : c.retries === 2 ? 'twice' : `${c.retries} times`;
  const counts = new Map<string, number>();
  for (const reason of c.retryReasons ?? []) counts.set(reasonText(reason), (counts.get(reasonText(reason)) ?? 0) + 1);
  if (counts.size === 0) return `retried ${times} after an infrastructure failure (the server was checked and restarted if it had died)`;
  const reasons = [...counts].map(([text, n]) => (n > 1 && counts.size > 1 ? `${text} (${n} times)` : text));
  return `retried ${times} after ${reasons.join('; then ')}`;
}
