// Package e2e holds olechka's end-to-end tests: olechka plan and apply driving real
// OpenTofu (built into the cache by scripts/tools/10-tofu.sh) over copies of
// examples/sandbox, with state in the embedded S3 store (gofakes3, in-process) and
// DynamoDB locking against dynalite (a subprocess from the cache). A missing tool skips
// the tests locally and fails them in CI.
package e2e
