/**
 * IP address text parsing and formatting with the rules of Python's
 * `ipaddress` module (the reference classifies hosts with `ip_address`), so a
 * host string is accepted, rejected and normalised exactly as aiorpcX does.
 *
 * Not re-exported: `classifyHost` is the public face of these helpers.
 *
 * @internal
 */

const HEXTET_COUNT = 8;
const DECIMAL_OCTET = /^[0-9]{1,3}$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/**
 * Parses dotted-quad IPv4 text into its four octets, or returns `undefined`.
 *
 * Exactly four ASCII-decimal octets of at most three digits, each at most 255,
 * with no leading zeros (Python ≥ 3.9.5 rejects `'01.2.3.4'`, as glibc's
 * `inet_pton` does).
 */
export function parseIPv4(text: string): number[] | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  const values: number[] = [];
  for (const octet of octets) {
    if (!DECIMAL_OCTET.test(octet)) return undefined;
    if (octet.length > 1 && octet[0] === '0') return undefined;
    const value = Number(octet);
    if (value > 255) return undefined;
    values.push(value);
  }
  return values;
}

/**
 * Parses IPv6 text without a zone into its eight hextets, or returns
 * `undefined`.
 *
 * Accepts one `::`, a dotted-quad IPv4 tail (`::ffff:1.2.3.4`) and 1–4 hex
 * digits per group in either case; follows `ipaddress._BaseV6._ip_int_from_string`
 * step for step, so every corner (`':1::'`, nine groups with `::`, …) agrees.
 */
export function parseIPv6Hextets(text: string): number[] | undefined {
  const parts = text.split(':');
  if (parts.length < 3) return undefined;

  const last = parts[parts.length - 1]!;
  if (last.includes('.')) {
    const octets = parseIPv4(last);
    if (octets === undefined) return undefined;
    const [a, b, c, d] = octets as [number, number, number, number];
    parts.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  if (parts.length > HEXTET_COUNT + 1) return undefined;

  // An empty part other than the two ends marks the one '::'.
  let skipIndex: number | undefined;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] !== '') continue;
    if (skipIndex !== undefined) return undefined;
    skipIndex = i;
  }

  let partsHi: number;
  let partsLo: number;
  let partsSkipped: number;
  if (skipIndex !== undefined) {
    partsHi = skipIndex;
    partsLo = parts.length - skipIndex - 1;
    if (parts[0] === '') {
      partsHi -= 1;
      if (partsHi !== 0) return undefined;
    }
    if (parts[parts.length - 1] === '') {
      partsLo -= 1;
      if (partsLo !== 0) return undefined;
    }
    partsSkipped = HEXTET_COUNT - (partsHi + partsLo);
    if (partsSkipped < 1) return undefined;
  } else {
    if (parts.length !== HEXTET_COUNT) return undefined;
    partsHi = parts.length;
    partsLo = 0;
    partsSkipped = 0;
  }

  const groups = [...parts.slice(0, partsHi), ...parts.slice(parts.length - partsLo)];
  const values: number[] = [];
  for (const group of groups) {
    if (!HEXTET.test(group)) return undefined;
    values.push(parseInt(group, 16));
  }
  return [
    ...values.slice(0, partsHi),
    ...new Array<number>(partsSkipped).fill(0),
    ...values.slice(partsHi),
  ];
}

/**
 * Formats eight hextets as RFC 5952 text, the way Python's `str(IPv6Address)`
 * does: lowercase, no leading zeros, and the first longest run of two or more
 * zero groups written `::`.
 */
export function compressHextets(hextets: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  let runLength = 0;
  hextets.forEach((value, index) => {
    if (value !== 0) {
      runStart = -1;
      runLength = 0;
      return;
    }
    if (runStart === -1) runStart = index;
    runLength += 1;
    if (runLength > bestLength) {
      bestStart = runStart;
      bestLength = runLength;
    }
  });

  const groups = hextets.map((value) => value.toString(16));
  if (bestLength < 2) return groups.join(':');
  const head = groups.slice(0, bestStart).join(':');
  const tail = groups.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/**
 * Returns the normalised text of an IPv6 address (with its `%zone`, if any),
 * or `undefined` when `text` is not one.
 *
 * The zone is whatever follows the first `%`: non-empty and free of further
 * `%`; like the reference, any other character is kept verbatim.
 */
export function normaliseIPv6(text: string): string | undefined {
  if (text.includes('/')) return undefined;
  const percent = text.indexOf('%');
  const address = percent === -1 ? text : text.slice(0, percent);
  const zone = percent === -1 ? undefined : text.slice(percent + 1);
  if (zone !== undefined && (zone === '' || zone.includes('%'))) return undefined;
  const hextets = parseIPv6Hextets(address);
  if (hextets === undefined) return undefined;
  const compressed = compressHextets(hextets);
  return zone === undefined ? compressed : `${compressed}%${zone}`;
}
