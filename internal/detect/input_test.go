package detect_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/gitsrc"
)

func TestUnknownRef(t *testing.T) {
	r := newRepo(t, fixture())
	live := filepath.Join(r.dir, "live")
	for _, opts := range []detect.Options{
		{Root: live, Base: "no-such-branch"},
		{Root: live, Base: "main", Head: "v9.9.9"},
	} {
		_, err := detect.Run(context.Background(), opts)
		var re *gitsrc.RefError
		if !errors.As(err, &re) {
			t.Fatalf("%+v: error %v, want a RefError", opts, err)
		}
		if !strings.Contains(err.Error(), `unknown git ref "`+re.Ref+`"`) || re.Shallow {
			t.Errorf("unclear message: %v", err)
		}
	}
}

func TestNoDefaultBase(t *testing.T) {
	r := newRepo(t, fixture())
	r.git("branch", "-m", "main", "trunk")
	_, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live")})
	if err == nil || !strings.Contains(err.Error(), "pass --base") {
		t.Fatalf("no origin/main nor main: error %v, want a hint to pass --base", err)
	}
	res, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live"), Base: "trunk"})
	if err != nil || len(res.Units) != 0 {
		t.Fatalf("base = head: %v, %v; want nothing affected", res, err)
	}
}

// A shallow clone that lacks the base says how to fetch it.
func TestShallowClone(t *testing.T) {
	r := newRepo(t, fixture())
	base := r.git("rev-parse", "HEAD")
	r.edit("live/root.hcl", `owner = "platform"`, `owner = "sre"`)
	r.commit("two")
	r.git("checkout", "-q", "-b", "feature")
	r.edit("live/dev/eu-central-1/kms/terragrunt.hcl", `name = "kms"`, `name = "kms-1"`)
	r.commit("three")

	clone := filepath.Join(t.TempDir(), "clone")
	cmd := exec.Command("git", "clone", "-q", "--depth", "1", "--branch", "feature", "file://"+r.dir, clone)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	live := filepath.Join(clone, "live")
	ctx := context.Background()
	for name, opts := range map[string]detect.Options{
		"explicit base": {Root: live, Base: base},
		"default base":  {Root: live},
	} {
		_, err := detect.Run(ctx, opts)
		if err == nil || !strings.Contains(err.Error(), "fetch-depth: 0") || !strings.Contains(err.Error(), "git fetch --unshallow") {
			t.Errorf("%s: error %v; want the shallow clone fix", name, err)
		}
	}
	// With the default branch fetched shallowly too, the merge base is missing.
	fetch := exec.Command("git", "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
	fetch.Dir = clone
	if out, err := fetch.CombinedOutput(); err != nil {
		t.Fatalf("git fetch: %v\n%s", err, out)
	}
	_, err := detect.Run(ctx, detect.Options{Root: live})
	if err == nil || !strings.Contains(err.Error(), "fetch-depth: 0") {
		t.Errorf("no merge base in a shallow clone: error %v; want the shallow clone fix", err)
	}
}

// A base commit whose config does not evaluate: the units it touches are affected.
func TestBaseDoesNotEvaluate(t *testing.T) {
	files := fixture()
	files["live/production/eu-central-1/aurora/terragrunt.hcl"] += "inputs = {\n" // unclosed block
	r := newRepo(t, files)
	r.git("checkout", "-q", "-b", "fix")
	r.write("live/production/eu-central-1/aurora/terragrunt.hcl", fixture()["live/production/eu-central-1/aurora/terragrunt.hcl"])
	r.commit("fix")
	res, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live")})
	if err != nil {
		t.Fatal(err)
	}
	checkWant(t, res, []want{
		{"production/eu-central-1/aurora plan", []string{"base config does not evaluate: ", "terragrunt.hcl:"}},
		{"production/eu-central-1/app plan", []string{"upstream changed: production/eu-central-1/aurora"}},
	})
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "production/eu-central-1/aurora does not evaluate at base") {
		t.Errorf("warnings %q; want the base failure reported", res.Warnings)
	}

	// A broken root.hcl at base touches every unit.
	files = fixture()
	files["live/root.hcl"] = strings.Replace(files["live/root.hcl"], "local.env.locals.tier", "local.env.locals.nope", 1)
	r = newRepo(t, files)
	r.git("checkout", "-q", "-b", "fix")
	r.write("live/root.hcl", fixture()["live/root.hcl"])
	r.commit("fix")
	res, err = detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live")})
	if err != nil {
		t.Fatal(err)
	}
	checkWant(t, res, all("dev", "staging", "production"))
	if len(res.Warnings) != 12 {
		t.Errorf("%d warnings; want one per unit", len(res.Warnings))
	}
}

// A head that does not evaluate is listed as affected and reported.
func TestHeadDoesNotEvaluate(t *testing.T) {
	r := newRepo(t, fixture())
	r.git("checkout", "-q", "-b", "broken")
	r.edit("live/dev/eu-central-1/vpc/terragrunt.hcl", `name = "vpc"`, `name = local.nope`)
	r.commit("broken")
	res, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.HeadErrors) != 1 || !strings.Contains(res.HeadErrors[0].Error(), "vpc/terragrunt.hcl:") {
		t.Fatalf("head errors %v; want the broken unit with file:line", res.HeadErrors)
	}
	found := false
	for _, u := range res.Units {
		if u.Path == "dev/eu-central-1/vpc" && u.Action == "plan" && strings.HasPrefix(u.Reasons[0], "config does not evaluate at head") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the broken unit is not listed: %s", dump(res))
	}
}

func TestPathOutsideRepository(t *testing.T) {
	r := newRepo(t, fixture())
	outside := t.TempDir()
	_, err := detect.Run(context.Background(), detect.Options{Root: outside})
	if err == nil || !strings.Contains(err.Error(), "not inside a git work tree") {
		t.Errorf("PATH outside any repository: %v", err)
	}
	_, err = detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "no", "such", "folder")})
	if err == nil || !strings.Contains(err.Error(), "is not a folder at base") {
		t.Errorf("PATH missing on both sides: %v", err)
	}
	_, err = detect.Run(context.Background(), detect.Options{Root: r.dir, Head: "HEAD", Uncommitted: true})
	if err == nil || !strings.Contains(err.Error(), "--uncommitted") {
		t.Errorf("--head with --uncommitted: %v", err)
	}
}

// PATH may be a sub-folder; unit paths are relative to it.
func TestSubfolder(t *testing.T) {
	r := newRepo(t, fixture())
	r.git("checkout", "-q", "-b", "change")
	r.edit("live/root.hcl", `owner = "platform"`, `owner = "sre"`)
	r.commit("change")
	res, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live", "staging")})
	if err != nil {
		t.Fatal(err)
	}
	checkWant(t, res, []want{
		{"eu-central-1/kms plan", nil}, {"eu-central-1/vpc plan", nil},
		{"eu-central-1/aurora plan", nil}, {"eu-central-1/app plan", nil},
	})
}

// --uncommitted compares HEAD with the working tree: edits, new and deleted units.
func TestUncommitted(t *testing.T) {
	r := newRepo(t, fixture())
	r.edit("live/production/eu-central-1/aurora/terragrunt.hcl", `name           = "aurora"`, `name           = "aurora-2"`)
	r.write("live/dev/eu-central-1/cache/terragrunt.hcl", "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n")
	r.remove("live/staging/eu-central-1/app")
	r.edit("live/dev/env.hcl", "locals {", "# only a comment\nlocals {")
	for _, full := range []bool{false, true} {
		res, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live"), Uncommitted: true, Full: full})
		if err != nil {
			t.Fatal(err)
		}
		if res.Head != detect.WorkingTree || res.Base != r.git("rev-parse", "HEAD") {
			t.Errorf("base %s head %s; want HEAD and the working tree", res.Base, res.Head)
		}
		checkWant(t, res, []want{
			{"production/eu-central-1/aurora plan", []string{`inputs.name: "aurora" -> "aurora-2"`}},
			{"production/eu-central-1/app plan", nil},
			{"dev/eu-central-1/cache plan", []string{"added"}},
			{"staging/eu-central-1/app destroy", []string{"removed"}},
		})
	}
}

// Destroys come after plans, dependents first (reverse order of the base graph).
func TestWaves(t *testing.T) {
	r := newRepo(t, fixture())
	r.git("checkout", "-q", "-b", "change")
	r.remove("live/production/eu-central-1")
	r.edit("live/_envcommon/cidrs.json", "10.0.0.0/8", "10.1.0.0/16")
	r.commit("change")
	res, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range res.Units {
		got = append(got, strings.Join([]string{strconv.Itoa(u.Wave), u.Action, u.Path}, " "))
	}
	want := []string{
		"0 plan dev/eu-central-1/vpc", "0 plan staging/eu-central-1/vpc",
		"1 plan dev/eu-central-1/aurora", "1 plan staging/eu-central-1/aurora",
		"2 plan dev/eu-central-1/app", "2 plan staging/eu-central-1/app",
		"3 destroy production/eu-central-1/app", "3 destroy production/eu-central-1/kms", // nothing depends on them
		"4 destroy production/eu-central-1/aurora",
		"5 destroy production/eu-central-1/vpc",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, u := range res.Units {
		if u.Path == "production/eu-central-1/kms" && (u.Env != "production" || u.AccountID != "333333333333") {
			t.Errorf("a destroyed unit keeps its base env and account: %+v", u)
		}
	}
}

// An edit in the working tree is invisible without --uncommitted: commits are read
// from git objects, never from disk.
func TestReadsCommitsNotDisk(t *testing.T) {
	r := newRepo(t, fixture())
	r.git("checkout", "-q", "-b", "change")
	r.edit("live/dev/eu-central-1/kms/terragrunt.hcl", `name = "kms"`, `name = "kms-1"`)
	r.commit("change")
	// Now break the working tree: detect must not notice.
	if err := os.WriteFile(filepath.Join(r.dir, "live", "root.hcl"), []byte("this is not HCL {"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := detect.Run(context.Background(), detect.Options{Root: filepath.Join(r.dir, "live")})
	if err != nil {
		t.Fatal(err)
	}
	checkWant(t, res, []want{{"dev/eu-central-1/kms plan", []string{`inputs.name: "kms" -> "kms-1"`}}})
}
