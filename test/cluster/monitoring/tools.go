//go:build tools

// Package tools pins controller-gen and the Prometheus Operator's monitoring API types, from which the cluster
// tests generate the monitoring.coreos.com CRDs the monitoring overlay needs.
package tools

import (
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
