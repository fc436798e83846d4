import { z } from 'zod';

/**
 * Units are fixed once, here, for every payload: durations in milliseconds as floats, loss as a
 * percentage 0–100, timestamps as ISO-8601 UTC with milliseconds. The reference implementation let
 * units drift between probes and silently broke its alerting; one schema per field prevents that.
 */
export const Milliseconds = z.number().finite().min(0).max(3_600_000);
export const LossPercent = z.number().finite().min(0).max(100);
export const IsoTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'timestamp must be ISO-8601 UTC with milliseconds');
export const Id = z.number().int().positive().max(2_147_483_647);
export const Uuid = z.string().uuid();

/**
 * A host as typed by an operator: IPv4, IPv6 or a hostname. Bounded so it cannot carry payloads,
 * and never something ping or mtr could read as a flag or as several arguments: no leading '-',
 * no whitespace or control characters (the agent checks again before it spawns anything).
 */
export const HostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?!-)[^\s\u0000-\u001f\u007f-\u009f]+$/u, 'a host must not start with "-" or contain whitespace or control characters');
