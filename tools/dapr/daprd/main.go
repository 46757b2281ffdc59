// Command daprd is the upstream Dapr runtime (github.com/dapr/dapr/cmd/daprd/app)
// with one name resolver compiled in: "nameformat", which turns an app ID into
// "<app-id>-dapr.<namespace>.lab:50002" — the local lab's stand-in for the
// Kubernetes headless Service "<app-id>-dapr". Building only this resolver, not
// the build-tag component sets, keeps the download and compile small.
package main

import (
	"github.com/dapr/components-contrib/nameresolution/nameformat"
	"github.com/dapr/dapr/cmd/daprd/app"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
)

func init() {
	nrLoader.DefaultRegistry.RegisterComponent(nameformat.NewResolver, "nameformat")
}

func main() {
	app.Run()
}
