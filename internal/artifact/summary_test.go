package artifact

import (
	"encoding/json"
	"strings"
	"testing"
)

// planJSON is shaped like `tofu show -json` output: a stateful replacement with a
// sensitive attribute, a create with an unknown attribute, a delete, a drifted resource,
// a data source read (ignored) and output changes, one sensitive.
const planJSON = `{
  "format_version": "1.2",
  "terraform_version": "1.10.6",
  "variables": {"db_password": {"value": "hunter2"}, "name": {"value": "app"}},
  "planned_values": {
    "outputs": {"endpoint": {"sensitive": false}, "password": {"sensitive": true, "value": "hunter2"}},
    "root_module": {"resources": [{
      "address": "aws_db_instance.main", "type": "aws_db_instance", "name": "main",
      "values": {"password": "hunter2", "engine_version": "16.4"},
      "sensitive_values": {"password": true}
    }]}
  },
  "resource_drift": [
    {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "change": {"actions": ["update"], "before": {}, "after": {}}}
  ],
  "resource_changes": [
    {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
     "action_reason": "replace_because_cannot_update",
     "change": {"actions": ["delete", "create"],
       "before": {"engine_version": "15.7", "password": "hunter2", "tags": {"a": "1"}},
       "after": {"engine_version": "16.4", "password": "hunter3", "tags": {"a": "1"}},
       "after_unknown": {"id": true},
       "before_sensitive": {"password": true}, "after_sensitive": {"password": true},
       "replace_paths": [["engine_version"]]}},
    {"address": "terraform_data.marker", "mode": "managed", "type": "terraform_data", "name": "marker",
     "change": {"actions": ["create"], "before": null, "after": {"input": "x"}, "after_unknown": {"id": true, "output": true}}},
    {"address": "aws_s3_bucket.old", "mode": "managed", "type": "aws_s3_bucket", "name": "old",
     "change": {"actions": ["delete"], "before": {"bucket": "old"}, "after": null}},
    {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app",
     "change": {"actions": ["update"], "before": {"name": "app", "description": "a"}, "after": {"name": "app", "description": "b"}}},
    {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
     "change": {"actions": ["no-op"], "before": {"id": "vpc-1"}, "after": {"id": "vpc-1"}}},
    {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me",
     "change": {"actions": ["read"], "before": null, "after": {}}}
  ],
  "output_changes": {
    "endpoint": {"actions": ["update"], "before": "a", "after": null, "after_unknown": true},
    "password": {"actions": ["update"], "before": "hunter2", "after": "hunter3", "before_sensitive": true, "after_sensitive": true},
    "same": {"actions": ["no-op"], "before": "x", "after": "x"}
  },
  "configuration": {"root_module": {"variables": {"db_password": {"sensitive": true}, "name": {}}}}
}`

func TestSummarize(t *testing.T) {
	p, err := ParsePlanJSON([]byte(planJSON))
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize("dev/eu-central-1/db", ActionPlan, p)
	if s.Add != 2 || s.Change != 1 || s.Destroy != 2 || s.Replace != 1 {
		t.Errorf("counts add/change/destroy/replace = %d/%d/%d/%d, want 2/1/2/1", s.Add, s.Change, s.Destroy, s.Replace)
	}
	if !s.HasChanges || s.Drift != 1 {
		t.Errorf("HasChanges=%v Drift=%d", s.HasChanges, s.Drift)
	}
	if len(s.Resources) != 4 {
		t.Fatalf("resources = %+v, want 4 (no-op and data reads left out)", s.Resources)
	}
	sd := s.StatefulDestroys()
	if len(sd) != 2 || sd[0].Address != "aws_db_instance.main" || sd[1].Address != "aws_s3_bucket.old" {
		t.Errorf("stateful destroys = %+v", sd)
	}
	db := s.Resources[0]
	if db.Action != ChangeReplace || db.Reason != "replace_because_cannot_update" || strings.Join(db.ReplacePaths, ",") != "engine_version" {
		t.Errorf("db change = %+v", db)
	}
	// tags did not change; engine_version and password did; id becomes unknown.
	var names []string
	for _, a := range db.Attributes {
		names = append(names, a.Name)
		if a.Name == "password" && (a.Before != SensitiveMask || a.After != SensitiveMask) {
			t.Errorf("password not masked: %+v", a)
		}
		if a.Name == "id" && a.After != UnknownMask {
			t.Errorf("id after = %v, want %q", a.After, UnknownMask)
		}
	}
	if strings.Join(names, ",") != "engine_version,id,password" {
		t.Errorf("changed attributes = %v", names)
	}
	if len(s.Outputs) != 2 || s.Outputs[0].After != UnknownMask || s.Outputs[1].Before != SensitiveMask || s.Outputs[1].After != SensitiveMask {
		t.Errorf("outputs = %+v", s.Outputs)
	}
	b, _ := json.Marshal(s)
	if strings.Contains(string(b), "hunter") {
		t.Errorf("summary leaks a sensitive value: %s", b)
	}
	if got := s.Line(); got != "Plan: 2 to add, 1 to change, 2 to destroy (1 replaced); 2 stateful resource(s) destroyed or replaced." {
		t.Errorf("Line() = %q", got)
	}
}

func TestSummarizeNoChanges(t *testing.T) {
	p, err := ParsePlanJSON([]byte(`{"format_version":"1.2","resource_changes":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","change":{"actions":["no-op"]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize("u", ActionPlan, p)
	if s.HasChanges || s.Line() != "No changes." {
		t.Errorf("summary = %+v, line %q", s, s.Line())
	}
}

func TestMaskPlanJSON(t *testing.T) {
	out, err := MaskPlanJSON([]byte(planJSON))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "hunter") {
		t.Fatalf("masked plan still holds a sensitive value:\n%s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	// Non-sensitive values and fields olechka does not know stay as written.
	if !strings.Contains(string(out), `"16.4"`) || !strings.Contains(string(out), `"app"`) || doc["terraform_version"] != "1.10.6" {
		t.Errorf("masking removed non-sensitive content:\n%s", out)
	}
	if _, err := MaskPlanJSON([]byte("{")); err == nil {
		t.Error("broken JSON accepted")
	}
}
