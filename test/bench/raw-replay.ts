/**
 * The floor for a given output: re-emits objects read from a JSON file (chart id → objects)
 * as raw cdk8s ApiObjects, one chart each, so cdk8s does the same resolve + YAML work with no
 * constructs above it.
 *
 *   node bench-out/test/bench/raw-replay.js <objects.json>
 */
import { readFileSync } from 'fs';
import { ApiObject, App, Chart } from 'cdk8s';

const charts: Record<string, any[]> = JSON.parse(readFileSync(process.argv[2], 'utf-8'));
const app = new App();
for (const [chartId, objects] of Object.entries(charts)) {
  const chart = new Chart(app, chartId);
  objects.forEach((obj, i) => new ApiObject(chart, `o${i}`, obj));
}
app.synth();
