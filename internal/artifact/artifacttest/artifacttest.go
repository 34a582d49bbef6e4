// Package artifacttest writes plan folders for tests of the stages that read them
// (review, comment, notify), in the layout internal/artifact defines.
package artifacttest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

// Unit is one unit's plan to write.
type Unit struct {
	Path, Env, Tier, AccountID string
	Wave                       int
	DependsOn                  []string
	Destroy                    bool   // action destroy (the unit was removed)
	Failed                     string // error: the plan failed
	Skipped                    string // the dependency that failed
	Resources                  []artifact.ResourceChange
	Drift                      int
	PlanText                   string
	Mocked                     []string // dependency names planned with mock outputs
	Applied                    string   // apply status written to apply.json ("" = none)
	ApplyError                 string
	Fingerprint                string
}

// Write writes a plan folder with run.json and every unit; it returns dir. The run
// records no tree root, so reviews of it read no tree.
func Write(t testing.TB, dir, commit string, units ...Unit) string {
	t.Helper()
	run := &artifact.Run{Commit: commit, CreatedAt: time.Unix(1700000000, 0).UTC()}
	for _, u := range units {
		run.Units = append(run.Units, u.Path)
		ud, err := artifact.NewUnitDir(dir, u.Path)
		if err != nil {
			t.Fatal(err)
		}
		m := &artifact.Metadata{Unit: u.Path, Action: artifact.ActionPlan, Status: artifact.StatusPlanned,
			Commit: commit, CreatedAt: run.CreatedAt, Duration: artifact.Duration(3 * time.Second),
			Fingerprint: u.Fingerprint, Env: u.Env, Tier: u.Tier, AccountID: u.AccountID, Wave: u.Wave, DependsOn: u.DependsOn,
			State: artifact.StateRef{Exists: true, Lineage: "l-" + u.Path, Serial: 4}}
		if m.Fingerprint == "" {
			m.Fingerprint = "fp-" + u.Path
		}
		if u.Destroy {
			m.Action = artifact.ActionDestroy
		}
		for _, d := range u.Mocked {
			m.Dependencies = append(m.Dependencies, artifact.DependencyUse{Name: d, Unit: d, Mocked: true})
		}
		switch {
		case u.Failed != "":
			m.Status, m.Error = artifact.StatusFailed, u.Failed
			if err := artifact.WriteFile(filepath.Join(ud, artifact.PlanLogFile), []byte("Initializing...\n"+u.Failed+"\n")); err != nil {
				t.Fatal(err)
			}
		case u.Skipped != "":
			m.Status, m.SkippedBecause = artifact.StatusSkipped, u.Skipped
		default:
			s := &artifact.Summary{Unit: u.Path, Action: m.Action, Resources: u.Resources, Drift: u.Drift}
			for _, r := range u.Resources {
				switch r.Action {
				case artifact.ChangeCreate:
					s.Add++
				case artifact.ChangeUpdate:
					s.Change++
				case artifact.ChangeDelete:
					s.Destroy++
				case artifact.ChangeReplace:
					s.Add++
					s.Destroy++
					s.Replace++
				}
			}
			s.HasChanges = len(u.Resources) > 0
			m.HasChanges = s.HasChanges
			if err := artifact.WriteSummary(ud, s); err != nil {
				t.Fatal(err)
			}
			text := u.PlanText
			if text == "" {
				text = "No changes. Your infrastructure matches the configuration."
				if s.HasChanges {
					text = "OpenTofu will perform the following actions:\n\n" + s.Line()
				}
			}
			if err := artifact.WriteFile(filepath.Join(ud, artifact.PlanTextFile), []byte(text)); err != nil {
				t.Fatal(err)
			}
		}
		if err := artifact.WriteMetadata(ud, m); err != nil {
			t.Fatal(err)
		}
		if u.Applied != "" {
			a := &artifact.ApplyResult{Unit: u.Path, Status: artifact.ApplyStatus(u.Applied), Error: u.ApplyError, Duration: artifact.Duration(7 * time.Second)}
			if err := artifact.WriteApplyResult(ud, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := artifact.WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Create is a resource change creating addr.
func Create(addr string) artifact.ResourceChange {
	return artifact.ResourceChange{Address: addr, Action: artifact.ChangeCreate}
}

// Update is a resource change updating addr.
func Update(addr string) artifact.ResourceChange {
	return artifact.ResourceChange{Address: addr, Action: artifact.ChangeUpdate}
}

// Replace is a replacement of a stateful resource.
func Replace(addr string) artifact.ResourceChange {
	return artifact.ResourceChange{Address: addr, Action: artifact.ChangeReplace, Stateful: true}
}

// Delete is a deletion.
func Delete(addr string, stateful bool) artifact.ResourceChange {
	return artifact.ResourceChange{Address: addr, Action: artifact.ChangeDelete, Stateful: stateful}
}
