/** A count with its noun, singular for exactly one: "1 case", "3 cases", "0 cases"; `many` for an irregular plural ("2 entries"). */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}
