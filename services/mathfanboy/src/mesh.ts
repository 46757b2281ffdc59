// Mesh-agnostic MathFanBoy: a plain loop calling every operation at URLs from <SERVICE>_URL variables.
import { OPERATION_SERVICES } from '@calc/core';
import { runMathFanBoy } from '@calc/host';
import { createUrlInvoker } from '@calc/invoke-http';

runMathFanBoy({
  invoker: () => createUrlInvoker(OPERATION_SERVICES),
  webHost: false,
});
