/**
 * Preloaded into every benchmarked process (`node --require`): prints the process's peak
 * resident memory as the last line of stdout when it exits.
 */
process.on('exit', () => {
  process.stdout.write(`\n${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
