// Package workflows tests the repository's GitHub Actions workflows
// (.github/workflows) and its composite action (action.yml): actionlint, pinning,
// least privilege, and the shell steps that place plan artifacts, run for real.
package workflows
