//go:build tools

// Package tools pins the kcp command so `go mod tidy` keeps its dependencies.
package tools
