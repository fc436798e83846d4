import { isIP } from 'node:net';

/** Loopback names and addresses: traffic to them never leaves the host. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host) || /^::ffff:7f[0-9a-f]{2}:/.test(host);
  return false;
}

/**
 * The warning for a controller URL that would carry the PIN, the PSK and every result in clear
 * text over a network: plain `http://` to anything but loopback. Null when the URL is fine.
 */
export function plainHttpWarning(controllerUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(controllerUrl);
  } catch {
    return null; // the config check reports malformed URLs
  }
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return null;
  return (
    `INSECURE: the controller URL ${url.origin} is plain http:// to a non-loopback address; ` +
    'the enrollment PIN, the PSK and every result cross the network unencrypted and can be read or altered on the way. ' +
    'Use https:// (TLS_CERT_FILE/TLS_KEY_FILE on the controller, or a reverse proxy: README "TLS")'
  );
}
