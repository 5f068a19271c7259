#!/usr/bin/env node
// Entry point of the `fluxts` executable. Runs the compiled CLI when `npm run build` produced one, otherwise the
// TypeScript sources directly (Node 24 strips types natively).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL('../src/cli/main.ts', import.meta.url).href);
