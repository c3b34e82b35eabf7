#!/usr/bin/env node
// Entry point of the `mortar` command: runs the TypeScript sources directly through tsx,
// so a fresh `npm install` needs no build step for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
