#!/usr/bin/env node
/**
 * The `cdk8s-istio` command: `npx cdk8s-istio analyze [options] FILE|DIR...` and
 * `npx cdk8s-istio graph [--format mermaid|dot|json] FILE|DIR...`.
 */
import { runCommand } from './analysis/command';
import { runGraphCommand } from './graph/command';

const argv = process.argv.slice(2);
const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};
process.exitCode = argv[0] === 'graph' ? runGraphCommand(argv.slice(1), io) : runCommand(argv, io);
