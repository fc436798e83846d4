/**
 * A probe target is handed to ping/mtr as one argument. Whatever the controller sends, it must
 * never read as a flag (a leading '-') or split into several words (whitespace, control
 * characters): this is checked here, in the agent, right before the argument list is built,
 * in addition to the shared schema the configuration was validated with.
 */
export class UnsafeTargetError extends Error {}

const UNSAFE_CHARACTER = /[\s\u0000-\u001f\u007f-\u009f]/u;

export function unsafeTargetReason(target: string): string | null {
  if (target.length === 0) return 'the target is empty';
  if (target.startsWith('-')) return 'the target starts with "-" and would be read as a flag';
  if (UNSAFE_CHARACTER.test(target)) return 'the target contains whitespace or control characters';
  return null;
}

export function assertSafeTarget(target: string): string {
  const reason = unsafeTargetReason(target);
  if (reason) throw new UnsafeTargetError(`refused to run: ${reason}`);
  return target;
}
