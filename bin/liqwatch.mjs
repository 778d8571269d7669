#!/usr/bin/env node
// The `liqwatch` command. Node 20 cannot run TypeScript by itself, so tsx loads the sources.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../functions/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
