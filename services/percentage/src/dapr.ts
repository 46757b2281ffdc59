// Dapr-aware percentage: calls multiplication and division by app ID through its daprd.
import { runOperationService } from '@calc/host';
import { daprEdge } from '@calc/invoke-dapr';

runOperationService('percentage', daprEdge);
