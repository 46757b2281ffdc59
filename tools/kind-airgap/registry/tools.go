//go:build tools

// The registry the air-gapped benchmark pushes the project's images to, and its nodes pull them from
// by digest: the make kind-bench REGISTRY=… path, proven here.
package tools

import _ "github.com/distribution/distribution/v3/cmd/registry"
