#!/usr/bin/env node
// The `liqwatch` command. Node 20 cannot run TypeScript by itself, so tsx loads the sources.
import { tsImport } from 'tsx/esm/api';

// The AWS SDK warns that releases from 2027 will need Node 22; the locked version runs on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await tsImport('../functions/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
