import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';

/** Deeper than any body or query the API documents; a deeper one is an attack on the validator's recursion. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Checks every body, query and path value before validation, iteratively (no recursion to
 * overflow), for what no DTO can describe but would otherwise surface as a 500: nesting deep
 * enough to overflow class-transformer's and class-validator's recursion, U+0000 (PostgreSQL
 * text and jsonb cannot store it), and lone surrogates (not text at all; validators such as
 * isEmail throw on them). Keys are checked as well as values.
 */
export function findInputProblem(root: unknown): string | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return problem;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return `input is nested more than ${MAX_INPUT_DEPTH} levels deep`;
    for (const [key, child] of Object.entries(value)) {
      const problem = stringProblem(key);
      if (problem) return problem;
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return null;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'text must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'text must be well-formed Unicode (no lone surrogates)';
  return null;
}

@Injectable()
export class InputSanityPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Custom decorators hand over the caller or the request, not client input.
    if (metadata.type === 'custom') return value;
    const problem = findInputProblem(value);
    if (problem) throw ApiError.badRequest(problem, 'invalid_input');
    return value;
  }
}
