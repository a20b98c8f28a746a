/** Writes the bookinfo main job's objects as JSON (chart id → objects) for raw-replay. */
import { writeFileSync } from 'fs';
import { App } from 'cdk8s';
import { addBookinfoStack } from '../../examples/bookinfo/bookinfo-stack';

const app = new App();
addBookinfoStack(app);
writeFileSync(process.argv[2], JSON.stringify(Object.fromEntries(app.charts.map(c => [c.node.id, c.toJson()]))));
