import { GenericContainer } from 'testcontainers';
import { MANAGED } from './engine.js';

/** A container as the project runs them: labelled as the project's; read-only root as in the manifests. */
export class LabContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    // Published too: podman reports an image's EXPOSE as a binding to wait for, and testcontainers
    // waits for every binding (inspect-container-util-ports-exposed.js) until it times out.
    this.withLabels(MANAGED).withExposedPorts(8080);
  }

  /** `readOnlyRootFilesystem: true`, as every pod of the manifests has it (testcontainers has no builder for it). */
  withReadOnlyRoot(): this {
    this.hostConfig.ReadonlyRootfs = true;
    return this;
  }
}
