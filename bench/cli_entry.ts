// The CLI of the build folder this file is compiled into (bin/autograd.js always runs dist/), so the
// bench can time a build made elsewhere; under dist/ the bench runs bin/autograd.js itself.

import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
