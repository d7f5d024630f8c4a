/**
 * The object without its undefined-valued keys, so optional fields stay absent rather than present as undefined
 * (`exactOptionalPropertyTypes`): `{ ...defined({ user, port }) }` instead of `...(user === undefined ? {} : { user })`.
 */
export function defined<T extends object>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
