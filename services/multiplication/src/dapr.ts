// Dapr-aware multiplication: called by other apps through their daprd; checks Dapr's app API token when APP_API_TOKEN is set.
import { runOperationService } from '@calc/host';
import { daprEdge } from '@calc/invoke-dapr';

runOperationService('multiplication', daprEdge);
