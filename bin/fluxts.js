#!/usr/bin/env node
// Entry point of the `fluxts` executable. Runs the compiled CLI when `npm run build` produced one, otherwise the
// TypeScript sources directly (Node 24 strips types natively).
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

// Reuses compiled code across runs (in the OS temp dir): start-up drops from about 0.3 s to under 0.1 s of CPU.
enableCompileCache?.();

const compiled = new URL('../dist/cli/main.js', import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL('../src/cli/main.ts', import.meta.url).href);
