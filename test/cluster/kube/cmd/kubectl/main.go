// Command kubectl is the upstream kubectl (k8s.io/kubectl at the version
// matching the pinned kube-apiserver), built for bindy's cluster tests so they
// do not depend on whichever kubectl the machine happens to have.
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
}
