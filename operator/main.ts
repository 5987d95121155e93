#!/usr/bin/env node
/**
 * `api-syncagent`: parses the command line like the Go agent (docs/compatibility.md#command-line) and runs
 * the agent until SIGTERM/SIGINT. Exit codes: 0 help or clean stop, 1 invalid command line or fatal startup
 * error, 2 flag parse error.
 */
// First: V8 flags must be set before the agent's modules are evaluated.
import './node-flags.js';
import { startAgent } from './agent.js';
import { parseOptions } from './options.js';
import { createLogger } from './runtime/log.js';

function goLogTimestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function main(): Promise<void> {
  const outcome = parseOptions(process.argv.slice(2));
  if (outcome.kind === 'help') {
    process.stderr.write(outcome.text);
    process.exit(0);
  }
  if (outcome.kind === 'usage-error') {
    process.stderr.write(outcome.text);
    process.exit(2);
  }
  if (outcome.kind === 'invalid') {
    // Go's log.Fatalf: timestamp prefix, message, exit 1.
    process.stderr.write(`${goLogTimestamp()} ${outcome.text}\n`);
    process.exit(1);
  }
  const o = outcome.options;
  const log = createLogger({ format: o.logFormat === 'JSON' ? 'json' : 'console', debug: o.logDebug });
  try {
    const agent = await startAgent(o, log);
    await agent.done;
  } catch (err) {
    log.fatal({ err: err instanceof Error ? err.message : String(err) }, 'Failed to run the agent');
    process.exit(1);
  }
}

void main();
