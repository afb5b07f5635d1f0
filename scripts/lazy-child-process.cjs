// Stands in for node:child_process inside the CLI bundle, for commander only: commander loads it at
// start-up for subcommands run as separate executables, which autograd does not have, and loading it
// costs ~3 ms of every run. The real module is loaded on first use.
let real;
module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });
