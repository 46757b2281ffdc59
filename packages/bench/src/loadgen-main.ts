// The load generator as its own process: `--serve` (slices on stdin) or `--listen PORT` (over HTTP).
import { main } from './loadgen.js';

void main();
