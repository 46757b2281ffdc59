// Mesh-agnostic addition: plain HTTP; a mesh, if any, is added around it without changing a line.
import { runOperationService } from '@calc/host';

runOperationService('addition');
