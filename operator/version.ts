/** Version reported by --version and in the User-Agent of every request the agent makes. */
export const VERSION = '0.1.0';
export const USER_AGENT = `api-syncagent-ts/${VERSION}`;
