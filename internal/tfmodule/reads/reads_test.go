package reads

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func parse(t *testing.T, src string) *hclsyntax.Body {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return f.Body.(*hclsyntax.Body)
}

func TestFind(t *testing.T) {
	dir := filepath.FromSlash("/repo/modules/kms")
	body := parse(t, `
locals {
  base   = "${path.module}/templates"
  policy = "${local.base}/policy.json.tftpl"
}
resource "x" "a" {
  a = file("${path.module}/../../shared/policy.json")
  b = templatefile(local.policy, { name = var.name })
  c = filebase64("certs/ca.pem")
  d = fileexists("/etc/olechka.conf") ? 1 : 0
  e = filemd5(format("%s/%s", path.module, "x.bin"))
  f = fileset("${path.module}/../shared-files", "*.json")
  g = file("${path.module}/../../policies/${var.name}.json")
  h = file(var.whole)
  i = jsonencode({ k = filesha256("${path.module}/deep/nested.txt") })
}`)
	r := Find(dir, []*hclsyntax.Body{body})
	abs := func(p string) string { return filepath.FromSlash(p) }
	wantFiles := []string{
		abs("/etc/olechka.conf"),
		abs("/repo/modules/kms/certs/ca.pem"),
		abs("/repo/modules/kms/deep/nested.txt"),
		abs("/repo/modules/kms/templates/policy.json.tftpl"),
		abs("/repo/modules/kms/x.bin"),
		abs("/repo/shared/policy.json"),
	}
	if strings.Join(r.Files, "\n") != strings.Join(wantFiles, "\n") {
		t.Errorf("files:\n%s\nwant\n%s", strings.Join(r.Files, "\n"), strings.Join(wantFiles, "\n"))
	}
	wantDirs := []string{abs("/repo/modules/kms"), abs("/repo/modules/shared-files"), abs("/repo/policies")}
	if strings.Join(r.Dirs, "\n") != strings.Join(wantDirs, "\n") {
		t.Errorf("dirs:\n%s\nwant\n%s", strings.Join(r.Dirs, "\n"), strings.Join(wantDirs, "\n"))
	}
	if len(r.Notes) != 2 || !strings.Contains(r.Notes[0], "main.tf:") || !strings.Contains(strings.Join(r.Notes, "\n"), "not known before plan") {
		t.Errorf("notes: %q, want two saying which reads are not static", r.Notes)
	}
}
