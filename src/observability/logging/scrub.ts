const SCRUBBED: readonly [RegExp, string][] = [
  // MongoDB's duplicate-key errors quote the key, which may be an address or a name.
  [/dup key: \{.*?\}/g, 'dup key: { [redacted] }'],
  [/[^\s@"'<>(){}[\],;:]+@[^\s@"'<>(){}[\],;:]+\.[a-z]{2,}/gi, '[email]'],
  [/\bBearer\s+\S+/gi, 'Bearer [redacted]'],
  [/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[token]'],
];

/**
 * A log message with what looks like personal data or a secret taken out: error messages from
 * drivers and libraries may quote the values they failed on.
 */
export function scrub(text: string): string {
  return SCRUBBED.reduce((scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement), text);
}
