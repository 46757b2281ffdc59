// Dapr-aware MathFanBoy: calls every operation by app ID through its daprd, and is a web host
// too, because daprd needs an app channel (its /healthz) — the change the article had to make.
import { runMathFanBoy } from '@calc/host';
import { daprEdge } from '@calc/invoke-dapr';

runMathFanBoy({ ...daprEdge, webHost: true });
