/**
 * A user's search text as a literal `ILIKE ... ESCAPE '\'` substring pattern: `%`, `_` and the
 * escape character itself match only themselves, so "100%" does not match everything.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
