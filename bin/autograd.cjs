#!/usr/bin/env node
const { main } = require('./load-cli.cjs').loadCli().exports;
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
