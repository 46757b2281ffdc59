// `node loadgen-main.js '<LoadSpec JSON>'`: one load run, one JSON result on stdout.
import { main } from './loadgen.js';

void main();
