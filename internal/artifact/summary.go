package artifact

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Masks shown in place of values.
const (
	SensitiveMask = "(sensitive value)"
	UnknownMask   = "(known after apply)"
)

// Resource change actions as summarised (one word per change).
const (
	ChangeCreate  = "create"
	ChangeUpdate  = "update"
	ChangeDelete  = "delete"
	ChangeReplace = "replace"
	ChangeRead    = "read"
	ChangeImport  = "import"
	ChangeMove    = "move"
	ChangeForget  = "forget"
)

// Summary is a plan reduced to what a reviewer needs. Add, Change and Destroy count as
// OpenTofu's "Plan: X to add, Y to change, Z to destroy" line does (a replacement adds
// one and destroys one); Replace counts the replacements among them.
type Summary struct {
	Version    int    `json:"version"`
	Unit       string `json:"unit"`
	Action     string `json:"action"`
	HasChanges bool   `json:"has_changes"`
	Add        int    `json:"add"`
	Change     int    `json:"change"`
	Destroy    int    `json:"destroy"`
	Replace    int    `json:"replace"`
	Import     int    `json:"import,omitempty"`
	Move       int    `json:"move,omitempty"`
	Forget     int    `json:"forget,omitempty"`
	// Drift counts resources changed outside OpenTofu since the last apply.
	Drift int `json:"drift,omitempty"`
	// Resources lists every resource instance with an action other than no-op.
	Resources []ResourceChange `json:"resources,omitempty"`
	// Outputs lists the root outputs that change.
	Outputs []OutputChange `json:"outputs,omitempty"`
}

// ResourceChange is one resource instance's planned change.
type ResourceChange struct {
	Address         string `json:"address"`
	PreviousAddress string `json:"previous_address,omitempty"`
	Type            string `json:"type"`
	Action          string `json:"action"`
	// Stateful marks resource types that hold data (databases, buckets, keys, caches,
	// volumes...): destroying or replacing one loses it.
	Stateful bool `json:"stateful,omitempty"`
	// Reason is OpenTofu's action_reason, e.g. replace_because_cannot_update.
	Reason string `json:"reason,omitempty"`
	// ReplacePaths names the attributes that force a replacement.
	ReplacePaths []string `json:"replace_paths,omitempty"`
	// Attributes are the changed top-level attributes of an update or replacement,
	// sensitive values masked.
	Attributes []AttributeChange `json:"attributes,omitempty"`
}

// Destructive reports a delete or a replacement.
func (r ResourceChange) Destructive() bool {
	return r.Action == ChangeDelete || r.Action == ChangeReplace
}

// AttributeChange is one changed attribute, masked where sensitive or unknown.
type AttributeChange struct {
	Name   string `json:"name"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// OutputChange is a root output's planned change.
type OutputChange struct {
	Name   string `json:"name"`
	Action string `json:"action"`
	Before any    `json:"before,omitempty"`
	After  any    `json:"after,omitempty"`
}

// StatefulDestroys returns the deletions and replacements of stateful resources.
func (s *Summary) StatefulDestroys() []ResourceChange {
	var out []ResourceChange
	for _, r := range s.Resources {
		if r.Stateful && r.Destructive() {
			out = append(out, r)
		}
	}
	return out
}

// Counts are a plan's resource changes, as every stage reports them.
type Counts struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
	Replace int `json:"replace"`
}

// Zero reports a plan without changes.
func (c Counts) Zero() bool { return c == Counts{} }

// Destructive reports a plan that deletes or replaces anything.
func (c Counts) Destructive() bool { return c.Destroy > 0 || c.Replace > 0 }

// String renders counts the way OpenTofu summarises a plan.
func (c Counts) String() string {
	s := fmt.Sprintf("+%d ~%d -%d", c.Add, c.Change, c.Destroy)
	if c.Replace > 0 {
		s += fmt.Sprintf(" ±%d", c.Replace)
	}
	return s
}

// Counts are the summary's resource changes; zero for a nil summary.
func (s *Summary) Counts() Counts {
	if s == nil {
		return Counts{}
	}
	return Counts{Add: s.Add, Change: s.Change, Destroy: s.Destroy, Replace: s.Replace}
}

// Line is OpenTofu's summary line: "Plan: 1 to add, 0 to change, 0 to destroy." or
// "No changes.".
func (s *Summary) Line() string {
	if !s.HasChanges {
		return "No changes."
	}
	line := fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy", s.Add, s.Change, s.Destroy)
	if s.Replace > 0 {
		line += fmt.Sprintf(" (%d replaced)", s.Replace)
	}
	if n := len(s.StatefulDestroys()); n > 0 {
		line += fmt.Sprintf("; %d stateful resource(s) destroyed or replaced", n)
	}
	return line + "."
}

// statefulTypes are resource types whose destruction loses data.
var statefulTypes = map[string]bool{
	"aws_db_instance":                          true,
	"aws_rds_cluster":                          true,
	"aws_rds_cluster_instance":                 true,
	"aws_rds_global_cluster":                   true,
	"aws_docdb_cluster":                        true,
	"aws_neptune_cluster":                      true,
	"aws_redshift_cluster":                     true,
	"aws_dynamodb_table":                       true,
	"aws_s3_bucket":                            true,
	"aws_s3_object":                            true,
	"aws_efs_file_system":                      true,
	"aws_ebs_volume":                           true,
	"aws_fsx_lustre_file_system":               true,
	"aws_kms_key":                              true,
	"aws_kms_replica_key":                      true,
	"aws_secretsmanager_secret":                true,
	"aws_elasticache_cluster":                  true,
	"aws_elasticache_replication_group":        true,
	"aws_elasticache_serverless_cache":         true,
	"aws_memorydb_cluster":                     true,
	"aws_opensearch_domain":                    true,
	"aws_elasticsearch_domain":                 true,
	"aws_kinesis_stream":                       true,
	"aws_sqs_queue":                            true,
	"aws_ecr_repository":                       true,
	"aws_cloudwatch_log_group":                 true,
	"aws_backup_vault":                         true,
	"aws_glacier_vault":                        true,
	"aws_msk_cluster":                          true,
	"aws_timestreamwrite_table":                true,
	"aws_keyspaces_table":                      true,
	"aws_qldb_ledger":                          true,
	"aws_route53_zone":                         true,
	"aws_acmpca_certificate_authority":         true,
	"aws_cognito_user_pool":                    true,
	"aws_db_cluster_snapshot":                  true,
	"aws_db_snapshot":                          true,
	"aws_ssm_parameter":                        true,
	"aws_secretsmanager_secret_version":        true,
	"aws_dynamodb_global_table":                true,
	"aws_elasticache_global_replication_group": true,
}

// IsStateful reports whether a resource type holds data that its destruction loses.
func IsStateful(resourceType string) bool { return statefulTypes[resourceType] }

// Summarize reduces a plan (tofu show -json) to a Summary.
func Summarize(unit, action string, p *tfjson.Plan) *Summary {
	s := &Summary{Version: FormatVersion, Unit: unit, Action: action}
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode == tfjson.DataResourceMode {
			continue
		}
		a := rc.Change.Actions
		moved := rc.PreviousAddress != "" && rc.PreviousAddress != rc.Address
		imported := rc.Change.Importing != nil
		r := ResourceChange{
			Address:         rc.Address,
			PreviousAddress: rc.PreviousAddress,
			Type:            rc.Type,
			Stateful:        IsStateful(rc.Type),
			Reason:          string(rc.ActionReason),
		}
		switch {
		case a.Create():
			r.Action = ChangeCreate
			s.Add++
		case a.Update():
			r.Action = ChangeUpdate
			s.Change++
		case a.Delete():
			r.Action = ChangeDelete
			s.Destroy++
		case a.Replace():
			r.Action = ChangeReplace
			s.Add++
			s.Destroy++
			s.Replace++
		case len(a) == 1 && a[0] == tfjson.ActionForget:
			r.Action = ChangeForget
			s.Forget++
		case a.NoOp() && imported:
			r.Action = ChangeImport
		case a.NoOp() && moved:
			r.Action = ChangeMove
		default:
			continue
		}
		if imported {
			s.Import++
		}
		if moved {
			s.Move++
		}
		if r.Action == ChangeUpdate || r.Action == ChangeReplace {
			r.Attributes = attributeChanges(rc.Change)
			for _, path := range rc.Change.ReplacePaths {
				r.ReplacePaths = append(r.ReplacePaths, pathString(path))
			}
		}
		s.Resources = append(s.Resources, r)
	}
	for _, rc := range p.ResourceDrift {
		if rc != nil && rc.Change != nil && !rc.Change.Actions.NoOp() {
			s.Drift++
		}
	}
	names := make([]string, 0, len(p.OutputChanges))
	for name := range p.OutputChanges {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := p.OutputChanges[name]
		if c == nil || c.Actions.NoOp() {
			continue
		}
		oc := OutputChange{Name: name, Action: actionWord(c.Actions)}
		oc.Before = mask(c.Before, c.BeforeSensitive, nil)
		oc.After = mask(c.After, c.AfterSensitive, c.AfterUnknown)
		s.Outputs = append(s.Outputs, oc)
	}
	s.HasChanges = len(s.Resources) > 0 || len(s.Outputs) > 0
	return s
}

func actionWord(a tfjson.Actions) string {
	switch {
	case a.Create():
		return ChangeCreate
	case a.Update():
		return ChangeUpdate
	case a.Delete():
		return ChangeDelete
	case a.Replace():
		return ChangeReplace
	case a.Read():
		return ChangeRead
	}
	parts := make([]string, len(a))
	for i, x := range a {
		parts[i] = string(x)
	}
	return strings.Join(parts, "-")
}

// attributeChanges lists the top-level attributes whose value changes.
func attributeChanges(c *tfjson.Change) []AttributeChange {
	before, _ := c.Before.(map[string]any)
	after, _ := c.After.(map[string]any)
	unknown, _ := c.AfterUnknown.(map[string]any)
	bs, _ := c.BeforeSensitive.(map[string]any)
	as, _ := c.AfterSensitive.(map[string]any)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	for k := range unknown {
		keys[k] = true
	}
	var out []AttributeChange
	for k := range keys {
		u := unknown[k]
		if reflect.DeepEqual(before[k], after[k]) && !isTrue(u) && !containsTrue(u) && reflect.DeepEqual(bs[k], as[k]) {
			continue
		}
		out = append(out, AttributeChange{
			Name:   k,
			Before: mask(before[k], bs[k], nil),
			After:  mask(after[k], as[k], u),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// mask replaces sensitive leaves with SensitiveMask and unknown ones with UnknownMask.
// sensitive and unknown mirror v's shape with true at masked leaves (or are true whole).
func mask(v, sensitive, unknown any) any {
	if isTrue(sensitive) {
		return SensitiveMask
	}
	if isTrue(unknown) {
		return UnknownMask
	}
	switch x := v.(type) {
	case map[string]any:
		sm, _ := sensitive.(map[string]any)
		um, _ := unknown.(map[string]any)
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mask(e, sm[k], um[k])
		}
		for k, e := range um {
			if _, ok := x[k]; !ok && isTrue(e) {
				out[k] = UnknownMask
			}
		}
		return out
	case []any:
		sl, _ := sensitive.([]any)
		ul, _ := unknown.([]any)
		out := make([]any, len(x))
		for i, e := range x {
			var se, ue any
			if i < len(sl) {
				se = sl[i]
			}
			if i < len(ul) {
				ue = ul[i]
			}
			out[i] = mask(e, se, ue)
		}
		return out
	}
	if v == nil {
		if um, ok := unknown.(map[string]any); ok && len(um) > 0 {
			return UnknownMask
		}
	}
	return v
}

func isTrue(v any) bool { b, ok := v.(bool); return ok && b }

func containsTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case map[string]any:
		for _, e := range x {
			if containsTrue(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsTrue(e) {
				return true
			}
		}
	}
	return false
}

func pathString(p any) string {
	steps, ok := p.([]any)
	if !ok {
		return fmt.Sprint(p)
	}
	var b strings.Builder
	for i, s := range steps {
		switch x := s.(type) {
		case string:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(x)
		case float64:
			fmt.Fprintf(&b, "[%d]", int(x))
		default:
			fmt.Fprintf(&b, "[%v]", x)
		}
	}
	return b.String()
}

// ParsePlanJSON parses `tofu show -json PLANFILE` output.
func ParsePlanJSON(b []byte) (*tfjson.Plan, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("plan JSON: %w", err)
	}
	return &p, nil
}

// MaskPlanJSON returns plan JSON (tofu show -json) with every sensitive value replaced
// by SensitiveMask, keeping every other field as OpenTofu wrote it: change before/after
// values by before_sensitive/after_sensitive, state values by sensitive_values, outputs
// marked sensitive, and root variables declared sensitive.
func MaskPlanJSON(b []byte) ([]byte, error) {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("plan JSON: %w", err)
	}
	maskTree(doc)
	// Root variables: the configuration says which are sensitive.
	if vars, ok := doc["variables"].(map[string]any); ok {
		cfgVars := dig(doc, "configuration", "root_module", "variables")
		for name, v := range vars {
			decl, _ := cfgVars[name].(map[string]any)
			if decl != nil && isTrue(decl["sensitive"]) {
				if vm, ok := v.(map[string]any); ok {
					vm["value"] = SensitiveMask
				}
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// maskTree walks a plan or state document and masks values in place.
func maskTree(v any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["before_sensitive"]; ok {
			x["before"] = mask(x["before"], x["before_sensitive"], nil)
		}
		if _, ok := x["after_sensitive"]; ok {
			x["after"] = mask(x["after"], x["after_sensitive"], nil)
		}
		if sv, ok := x["sensitive_values"]; ok {
			x["values"] = mask(x["values"], sv, nil)
		}
		if isTrue(x["sensitive"]) {
			if _, ok := x["value"]; ok {
				x["value"] = SensitiveMask
			}
		}
		for k, e := range x {
			if k == "before_sensitive" || k == "after_sensitive" || k == "sensitive_values" {
				continue
			}
			maskTree(e)
		}
	case []any:
		for _, e := range x {
			maskTree(e)
		}
	}
}
