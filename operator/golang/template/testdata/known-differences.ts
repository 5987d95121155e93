/** Golden cases whose output knowingly differs from Go, keyed by template text, with the reason. */
export const KNOWN_DIFFERENCES: Record<string, string> = {};
