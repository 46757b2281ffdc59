// etcd, as its own main does: go.etcd.io/etcd/server/v3's etcdmain.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
