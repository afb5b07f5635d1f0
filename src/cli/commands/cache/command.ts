// `autograd cache clear`: remove the binary caches that `autograd train --cache` wrote.

import { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { pathName } from '../../options.js';
import { cacheFolder } from '../train/command.js';

export function cacheCommand(ctx: CliContext): Command {
  const cache = new Command('cache').description('manage the binary data caches of `autograd train --cache`');
  cache.addCommand(new Command('clear')
    .description('remove every cache file in the cache folder')
    .option('--cache-dir <dir>', 'the cache folder (default: $XDG_CACHE_HOME/autograd or ~/.cache/autograd)', pathName)
    .action(async (o: { cacheDir?: string }) => {
      const { clearCaches } = await import('../../../data/cache.js');
      const dir = cacheFolder(ctx, o.cacheDir);
      const { files, bytes } = clearCaches(dir);
      ctx.stdout(`removed ${files} cache file${files === 1 ? '' : 's'} (${(bytes / 1e6).toFixed(1)} MB) from ${dir}\n`);
    }));
  return cache;
}
