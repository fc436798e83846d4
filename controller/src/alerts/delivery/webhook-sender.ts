import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { forbiddenAddressReason } from './outbound-address-policy';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface SendOptions {
  /** Operator setting: let webhooks reach loopback, link-local and metadata addresses. */
  allowPrivilegedAddresses: boolean;
  timeoutMs: number;
  /** The resolver; the system's unless a test stands in for DNS. */
  resolve?: typeof dnsLookup;
}

/**
 * The outcome of one attempt. The receiver's response body is never kept: it could be anything
 * an internal service answers, and reflecting it to a workspace admin would leak it.
 */
export type SendOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

class RefusedAddress extends Error {}

/**
 * Resolves like the system resolver, then refuses the connection if any address is forbidden.
 * Checking inside the connection's own lookup (not before it) means a DNS answer cannot change
 * between the check and the connect (DNS rebinding).
 */
function guardedLookup(options: SendOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    (options.resolve ?? dnsLookup)(hostname, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const list = Array.isArray(addresses) ? addresses : [];
      if (!options.allowPrivilegedAddresses) {
        const refused = list.map((a) => forbiddenAddressReason(a.address)).find((reason) => reason !== null);
        if (refused) return callback(new RefusedAddress(refused), '', 0);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Why `url` can never be a webhook target (checked when a rule is saved), or null. */
export function webhookUrlProblem(url: string, options: Pick<SendOptions, 'allowPrivilegedAddresses'>): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'webhook_url is not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'webhook_url must be http or https';
  if (parsed.username || parsed.password) return 'webhook_url must not carry credentials; use webhook_secret';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivilegedAddresses && isIP(host) !== 0) return forbiddenAddressReason(host);
  if (!options.allowPrivilegedAddresses && /^localhost\.?$/i.test(host)) return 'webhook_url must not point at localhost';
  return null;
}

/** One POST. Redirects are not followed (a 3xx is a failure), so none can lead to a forbidden address. */
export function sendWebhook(req: WebhookRequest, options: SendOptions): Promise<SendOutcome> {
  const problem = webhookUrlProblem(req.url, options);
  if (problem) return Promise.resolve({ ok: false, status: null, error: problem });
  const url = new URL(req.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body), ...req.headers },
        lookup: guardedLookup(options),
        timeout: options.timeoutMs,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume(); // drain and discard: the body is never reflected
        response.on('end', () => {
          if (status >= 200 && status < 300) resolve({ ok: true, status });
          else if (status >= 300 && status < 400) resolve({ ok: false, status, error: `redirect (${status}) not followed` });
          else resolve({ ok: false, status, error: `receiver answered ${status}` });
        });
        response.on('error', (err) => resolve({ ok: false, status, error: err.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (err) => resolve({ ok: false, status: null, error: err.message }));
    request.end(req.body);
  });
}
