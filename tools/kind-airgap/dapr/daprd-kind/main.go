// Command daprd-kind is the upstream Dapr runtime (github.com/dapr/dapr/cmd/daprd/app) with the name
// resolver daprd uses on Kubernetes, "kubernetes" (the `<app-id>-dapr` headless Service), compiled in.
package main

import (
	"github.com/dapr/components-contrib/nameresolution/kubernetes"
	"github.com/dapr/dapr/cmd/daprd/app"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
)

func init() {
	nrLoader.DefaultRegistry.RegisterComponent(kubernetes.NewResolver, "kubernetes")
}

func main() {
	app.Run()
}
