import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Signature: sha256=<hex>` over `<X-Timestamp>.<body>`. Signing the timestamp with the body
 * lets a receiver refuse replays: it checks the signature, then that the timestamp is recent.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `sha256=${mac}`;
}

/** What a receiver does (and what the tests do): constant-time compare, then a freshness bound. */
export function verifyWebhook(
  secret: string,
  header: { signature: string; timestamp: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(header.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(header.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
