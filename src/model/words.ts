/** A count with its noun, singular for exactly one: "1 case", "3 cases", "0 cases"; `many` for an irregular plural ("2 entries"). */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}

/** "a" or "an" before a number as it is said: an 8%, an 11%, an 18%, an 80%; a 5%, a 100%. */
export function articleFor(value: number | string): 'a' | 'an' {
  return /^(8|11(?!\d)|18(?!\d)|11\.|18\.)/.test(String(value)) ? 'an' : 'a';
}
