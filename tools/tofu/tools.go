//go:build tools

// Package tools pins the OpenTofu CLI so `go build github.com/opentofu/opentofu/cmd/tofu`
// resolves against this module's go.mod and go.sum.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
