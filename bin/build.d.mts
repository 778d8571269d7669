/** The folder the command's bundle is written to. */
export const OUT_DIR: string;
/** Bundles `functions/cli/main.ts` and the commands it loads into `OUT_DIR`. */
export function buildCli(): Promise<void>;
