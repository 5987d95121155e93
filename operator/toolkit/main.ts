#!/usr/bin/env node
/**
 * `pubres-toolkit`: offline and cluster helpers for PublishedResource authors, command-compatible with the Go
 * agent's tool (docs/compatibility.md#pubres-toolkit) plus our own sub-commands. Each sub-command lives in
 * its own `<name>-cmd.ts` exporting `register<Name>Command(program)`; adding one is that file plus one line
 * in SUBCOMMANDS below.
 */
import { Command } from 'commander';
import { useTemplateEnvironment } from '../golang/template/index.js';
import { processEnvironment } from '../runtime/process-environment.js';
import { VERSION } from '../version.js';
import { registerCelCommand } from './cel-cmd.js';
import { registerCrdCommand } from './crd-cmd.js';
import { registerMutateCommand } from './mutate-cmd.js';
import { registerPathCommand } from './path-cmd.js';
import { registerPreviewCommand } from './preview-cmd.js';
import { registerSchemaDiffCommand } from './schema-diff-cmd.js';
import { registerTemplateCommand } from './template-cmd.js';

const SUBCOMMANDS: ((program: Command) => Command)[] = [
  registerCrdCommand,
  registerTemplateCommand,
  registerPathCommand,
  registerCelCommand,
  registerMutateCommand,
  registerPreviewCommand,
  registerSchemaDiffCommand,
];

export function buildProgram(): Command {
  const program = new Command('pubres-toolkit')
    .description('helpers for writing and debugging PublishedResources')
    .version(VERSION || '<unknown>', '--version')
    .showHelpAfterError(false);
  for (const register of SUBCOMMANDS) register(program);
  return program;
}

// The real clock, variables and randomness for template functions (now, env, rand*, ...).
useTemplateEnvironment(processEnvironment);
await buildProgram().parseAsync(process.argv);
