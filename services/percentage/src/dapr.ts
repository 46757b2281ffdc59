// Dapr-aware percentage: calls multiplication and division by app ID through its daprd.
import { runOperationService } from '@calc/host';
import { appTokenGuard, createDaprInvoker } from '@calc/invoke-dapr';

runOperationService('percentage', {
  invoker: () => createDaprInvoker(),
  guard: appTokenGuard,
});
