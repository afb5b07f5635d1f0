// The CLI of the build folder this file is compiled into (bin/autograd.cjs always runs dist/), so the
// bench can time a build made elsewhere; under dist/ the bench runs bin/autograd.cjs itself.

import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
