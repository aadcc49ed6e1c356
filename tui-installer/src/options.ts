import { z } from 'zod';
import { commandWords, defaultEngineConfig, type EngineConfig } from './engine/config.ts';

/** The command line of qx-installer, as commander hands it over. */
export const cliOptions = z.strictObject({
  answer: z.string().min(1).optional(),
  dryRun: z.boolean().optional(),
  serial: z.boolean().optional(),
  medium: z.string().min(1).optional(),
  grubDir: z.string().min(1).optional(),
  log: z.string().min(1).optional(),
  releaseFile: z.string().min(1).optional(),
  cmdlineFile: z.string().min(1).optional(),
  rebootCommand: z.string().min(1).optional(),
  poweroffCommand: z.string().min(1).optional(),
  includeLoop: z.boolean().optional(),
});
export type CliOptions = z.infer<typeof cliOptions>;

export function engineConfigFrom(o: CliOptions): EngineConfig {
  return {
    ...defaultEngineConfig,
    mediumDir: o.medium ?? defaultEngineConfig.mediumDir,
    grubDir: o.grubDir ?? defaultEngineConfig.grubDir,
    logFile: o.log ?? defaultEngineConfig.logFile,
    releaseFile: o.releaseFile ?? defaultEngineConfig.releaseFile,
    cmdlineFile: o.cmdlineFile ?? defaultEngineConfig.cmdlineFile,
    rebootCommand: o.rebootCommand ? commandWords(o.rebootCommand) : defaultEngineConfig.rebootCommand,
    poweroffCommand: o.poweroffCommand ? commandWords(o.poweroffCommand) : defaultEngineConfig.poweroffCommand,
    includeLoop: o.includeLoop ?? false,
  };
}
