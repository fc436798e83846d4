/** The documented parsed fields; a field the response does not carry is left out. */
export interface WhoisParsed {
  netname?: string;
  netrange?: string;
  organization?: string;
  country?: string;
  registrar?: string;
  created?: string;
  updated?: string;
  abuse_email?: string;
}

interface Line {
  key: string;
  value: string;
  block: number;
}

/** Keys are compared lower-cased with single spaces: "OrgAbuseEmail", "Creation Date", "org-name". */
function normalizeKey(key: string): string {
  return key.trim().toLowerCase().replace(/\s+/g, ' ');
}

const KEY_VALUE = /^\s*([A-Za-z][A-Za-z0-9 ./_-]{0,60}?)\s*:\s*(.*?)\s*$/;

/**
 * Splits a response into `key: value` lines grouped by blank-line-separated blocks (RPSL
 * objects, ARIN sections). Comment lines (`%`, `#`) and the `>>> Last update <<<` banner are
 * dropped. A key with no value followed by indented keyless lines (Nominet's
 * "Registrar:\n    Name [Tag = X]") takes the first of those lines as its value.
 */
function tokenize(raw: string): Line[] {
  const lines: Line[] = [];
  let block = 0;
  let pending: Line | null = null;
  for (const rawLine of raw.split(/\r?\n/)) {
    const text = rawLine.replace(/\t/g, '    ');
    const trimmed = text.trim();
    if (trimmed === '') {
      if (!pending) block++;
      continue;
    }
    if (/^[%#]/.test(trimmed) || trimmed.startsWith('>>>')) continue;
    const kv = KEY_VALUE.exec(text);
    // "URL: https://…" splits at the first colon, so a value keeps its own colons.
    if (kv && !/^https?$/i.test(kv[1])) {
      const line = { key: normalizeKey(kv[1]), value: kv[2], block };
      if (line.value === '') {
        pending = line;
      } else {
        lines.push(line);
        pending = null;
      }
      continue;
    }
    if (pending) {
      lines.push({ ...pending, value: trimmed });
      pending = null;
    }
  }
  return lines;
}

/** The most specific network object is the last one (ARIN lists the parent allocation first). */
function networkBlock(lines: Line[]): number {
  const nets = lines.filter((l) => ['netrange', 'inetnum', 'inet6num'].includes(l.key));
  return nets.length ? nets[nets.length - 1].block : -1;
}

/**
 * The first value of the first key (in priority order) found from the network block onward,
 * then anywhere: that picks the specific network's organisation over its parent's, and the
 * network's own dates over those of the contact objects that follow it.
 */
function pick(lines: Line[], keys: string[], fromBlock: number): string | undefined {
  for (const scope of fromBlock >= 0 ? [fromBlock, 0] : [0]) {
    for (const key of keys) {
      const hit = lines.find((l) => l.block >= scope && l.key === key && l.value !== '');
      if (hit) return hit.value;
    }
  }
  return undefined;
}

/** LACNIC dates are `YYYYMMDD`; old RIPE `changed:` lines are `email YYYYMMDD`. */
function normalizeDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const compact = /(?:^|\s)(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return value;
}

function cleanOrganization(value: string | undefined): string | undefined {
  // ARIN appends the org handle, "Google LLC (GOGL)"; Nominet appends "[Tag = X]".
  return value
    ?.replace(/\s*\([A-Z0-9-]+\)$/, '')
    .replace(/\s*\[Tag = [^\]]*\]$/i, '')
    .trim();
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

/** RIPE, APNIC and AFRINIC state the abuse contact in a comment: "% Abuse contact for 'x' is 'y'". */
function abuseFromComment(raw: string): string | undefined {
  const m = /^%\s*Abuse contact for .* is '([^']+)'/im.exec(raw);
  return m && EMAIL.test(m[1]) ? m[1] : undefined;
}

/** LACNIC (and some APNIC objects) name the abuse contact by handle; its e-mail is in that object. */
function abuseFromHandle(lines: Line[], fromBlock: number): string | undefined {
  const handle = pick(lines, ['abuse-c'], fromBlock);
  if (!handle) return undefined;
  const holder = lines.find((l) => (l.key === 'nic-hdl' || l.key === 'nic-hdl-br') && l.value === handle);
  if (!holder) return undefined;
  const email = lines.find((l) => l.block === holder.block && (l.key === 'abuse-mailbox' || l.key === 'e-mail'));
  return email?.value;
}

function abuseEmail(raw: string, lines: Line[], fromBlock: number): string | undefined {
  const found =
    pick(lines, ['orgabuseemail', 'abuse-mailbox', 'registrar abuse contact email', 'abuse email'], fromBlock) ??
    abuseFromComment(raw) ??
    abuseFromHandle(lines, fromBlock);
  return found ? EMAIL.exec(found)?.[0] : undefined;
}

/**
 * Extracts the documented fields from a WHOIS response in the formats operators meet: ARIN,
 * RPSL (RIPE, APNIC, AFRINIC), LACNIC, and domain registries/registrars (ICANN gTLD format,
 * Nominet-style indented blocks). Pure: tested on recorded responses.
 */
export function parseWhois(raw: string): WhoisParsed {
  const lines = tokenize(raw);
  const net = networkBlock(lines);
  const country = pick(lines, ['country', 'registrant country', 'registrant country code'], net);
  const parsed: WhoisParsed = {
    netname: pick(lines, ['netname', 'net name'], net),
    netrange: pick(lines, ['netrange', 'inetnum', 'inet6num', 'cidr'], net),
    organization: cleanOrganization(
      pick(
        lines,
        [
          'orgname',
          'org-name',
          'organization',
          'owner',
          'registrant organization',
          'registrant organisation',
          'registrant',
          'descr',
        ],
        net,
      ),
    ),
    country: country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : country,
    registrar: cleanOrganization(pick(lines, ['registrar', 'sponsoring registrar', 'registrar name'], net)),
    created: normalizeDate(
      pick(
        lines,
        [
          'regdate',
          'created',
          'creation date',
          'created on',
          'registered on',
          'registration time',
          'domain registration date',
          'registered',
        ],
        net,
      ),
    ),
    updated: normalizeDate(
      pick(
        lines,
        [
          'updated',
          'last-modified',
          'updated date',
          'last updated',
          'last modified',
          'last-update',
          'changed',
          'modified',
        ],
        net,
      ),
    ),
    abuse_email: abuseEmail(raw, lines, net),
  };
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined && v !== '')) as WhoisParsed;
}
