// Added by the calculator lab, not part of upstream Dapr: tools/dapr/build.sh copies this file into
// the lab's copy of github.com/dapr/dapr/pkg/injector/service, so the lab's injector harness
// (tools/dapr/injector) runs the injector's own admission path, getPodPatchOperations in
// pod_patch.go, on the lab's Deployments without a cluster. Only the wiring a running injector
// does in cmd/injector/app/app.go is done here: nothing of the patching is reimplemented.

package service

import (
	"context"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	admissionv1 "k8s.io/api/admission/v1"

	scheme "github.com/dapr/dapr/pkg/client/clientset/versioned"
	"github.com/dapr/dapr/pkg/security"
)

// CalcLabPodPatch returns the JSON patch the sidecar injector would answer for the pod in ar.
func CalcLabPodPatch(ctx context.Context, cfg Config, daprClient scheme.Interface, controlPlaneNamespace string,
	schedulerEnabled bool, trustAnchors []byte, ar *admissionv1.AdmissionReview,
) (jsonpatch.Patch, error) {
	td, err := spiffeid.TrustDomainFromString(cfg.ControlPlaneTrustDomain)
	if err != nil {
		return nil, err
	}
	sentryID, err := security.SentryID(td, controlPlaneNamespace)
	if err != nil {
		return nil, err
	}
	i := &injector{
		config:                  cfg,
		daprClient:              daprClient,
		controlPlaneNamespace:   controlPlaneNamespace,
		controlPlaneTrustDomain: cfg.ControlPlaneTrustDomain,
		schedulerEnabled:        schedulerEnabled,
		sentrySPIFFEID:          sentryID,
		currentTrustAnchors:     func(context.Context) ([]byte, error) { return trustAnchors, nil },
	}
	return i.getPodPatchOperations(ctx, ar)
}
