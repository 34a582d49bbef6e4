package cli

// AWSEnv selects the AWS provider outside local mode: "sim" runs OpenTofu with the tool
// cache's CLI config, whose filesystem mirror serves olechka's AWS simulator as
// hashicorp/aws (docs/simulator.md). Local mode (--local) uses that mirror anyway; the
// GitHub workflows set neither and get the real provider from the registry.
const AWSEnv = "OLECHKA_AWS"

// simulatedAWS reports whether OLECHKA_AWS=sim asks for the simulator.
func simulatedAWS(app *App) bool { return app.Getenv(AWSEnv) == "sim" }
