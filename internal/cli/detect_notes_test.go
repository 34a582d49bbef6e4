package cli

import (
	"strings"
	"testing"
)

// TestDetectShowsModuleReadNotes: a module reading a file whose path is known only at
// plan time is taken to depend on the folder the path is known up to; detect says so,
// naming the read's file:line, instead of keeping the note to itself.
func TestDetectShowsModuleReadNotes(t *testing.T) {
	files := map[string]string{
		"live/root.hcl": "inputs = {\n  environment = \"dev\"\n  tier = \"dev\"\n}\n",
		"live/dev/app/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n" +
			"terraform {\n  source = \"../../../modules//app\"\n}\n",
		"modules/app/main.tf": "variable \"name\" {\n  type = string\n}\n\n" +
			"output \"policy\" {\n  value = file(\"${path.module}/policies/${var.name}.json\")\n}\n",
		"modules/app/policies/a.json": "{}\n",
	}
	change := map[string]string{"modules/app/policies/a.json": "{\"changed\": true}\n"}
	dir := gitTree(t, files, change)
	_, errOut, code := runEnv(t, nil, "detect", "--base", "main", "--head", "HEAD", "--format", "json", dir+"/live")
	if code != 0 {
		t.Fatalf("detect: exit %d\n%s", code, errOut)
	}
	want := "warning: modules/app/main.tf:6: file(...) reads a path not known before plan; the module is taken to depend on every file under modules/app/policies"
	if !strings.Contains(errOut, want) {
		t.Errorf("detect's output lacks the note %q:\n%s", want, errOut)
	}
}
