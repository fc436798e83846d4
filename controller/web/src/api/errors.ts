/**
 * API errors in words a user reads, and validation messages placed next to the field they name.
 * Pure, so the mapping is unit tested.
 */

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a person should read for a failed request; the API's own message when it has one. */
export function plainMessage(status: number, code: string, apiMessage: string | undefined): string {
  if (status === 0) return 'The controller cannot be reached. Check that it is running, then try again.';
  if (status === 401) return apiMessage && code !== 'unauthorized' ? apiMessage : 'Your session has ended. Please sign in again.';
  if (status === 429) return `Too many requests. ${apiMessage ?? ''} Wait a moment and try again.`.replace(/\s+/g, ' ').trim();
  if (status >= 500) return `The controller had a problem (${status}${code ? `, ${code}` : ''}). Try again in a moment.`;
  return apiMessage || `The request failed (${status}).`;
}

/**
 * The controller joins every validation problem into one message ("a; b; c"), each starting
 * with the field it is about (snake_case, or the seed's camelCase). Splits it per field; what
 * names no known field stays in `form`.
 */
export function fieldErrors(message: string, fields: readonly string[]): { fields: Record<string, string>; form: string[] } {
  const byField: Record<string, string> = {};
  const form: string[] = [];
  const names = [...fields].sort((a, b) => b.length - a.length);
  for (const part of message.split(/;\s+/).map((p) => p.trim()).filter(Boolean)) {
    const lower = part.replace(/^(a|an|the)\s+/i, '');
    const name = names.find((f) => startsWithField(lower, f) || startsWithField(lower, camel(f)));
    if (name) byField[name] = byField[name] ? `${byField[name]}; ${part}` : part;
    else form.push(part);
  }
  return { fields: byField, form };
}

function startsWithField(text: string, field: string): boolean {
  return text.startsWith(field) && !/[a-z0-9_]/i.test(text.charAt(field.length));
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
