// Mesh-agnostic MathFanBoy: a plain loop calling every operation at URLs from <SERVICE>_URL variables.
import { OPERATION_SERVICES } from '@calc/core';
import { runMathFanBoy } from '@calc/host';
import { urlEdge } from '@calc/invoke-http';

runMathFanBoy({ ...urlEdge(OPERATION_SERVICES), webHost: false });
