// Mesh-agnostic percentage: calls multiplication and division at URLs from MULTIPLICATION_URL and DIVISION_URL.
import { runOperationService } from '@calc/host';
import { urlEdge } from '@calc/invoke-http';

runOperationService('percentage', urlEdge(['multiplication', 'division']));
