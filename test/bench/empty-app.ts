/** The floor: a cdk8s app with one chart and no objects, so start-up cost is visible. */
import { App, Chart } from 'cdk8s';

const app = new App();
new Chart(app, 'empty');
app.synth();
