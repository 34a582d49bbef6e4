package tfmodule

import (
	"github.com/zclconf/go-cty/cty/function"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// Functions returns OpenTofu's function library as olechka evaluates it (the part that
// needs no file system): what validation conditions may call.
func Functions() map[string]function.Function {
	return config.Functions()
}
