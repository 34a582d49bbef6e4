package observability

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
)

// The alarm topic's ARN as the evaluation below sees it.
const testTopicARN = "arn:aws:sns:eu-central-1:111111111111:ai-tools-production-alarms"

// productionInputs are what a production unit passes (live/_envcommon/monitoring/
// observability.hcl): two services, the ALB, Aurora with replicas, two cache nodes.
func productionInputs() map[string]cty.Value {
	svc := func(name string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"service_name": cty.StringVal(name), "log_group_name": cty.StringVal("/ecs/" + name)})
	}
	return map[string]cty.Value{
		"environment":                 cty.StringVal("production"),
		"tier":                        cty.StringVal("production"),
		"aws_region":                  cty.StringVal("eu-central-1"),
		"aws_account_id":              cty.StringVal("111111111111"),
		"kms_key_arn":                 cty.StringVal("arn:aws:kms:eu-central-1:111111111111:key/mrk-1"),
		"logs_kms_key_arn":            cty.StringVal("arn:aws:kms:eu-central-1:111111111111:key/mrk-2"),
		"log_retention_days":          cty.NumberIntVal(30),
		"ecs_cluster_name":            cty.StringVal("ai-tools-production"),
		"ecs_services":                cty.MapVal(map[string]cty.Value{"api": svc("ai-tools-production-api"), "worker": svc("ai-tools-production-worker")}),
		"alb_arn_suffix":              cty.StringVal("app/ai-tools-production/0123"),
		"api_target_group_arn_suffix": cty.StringVal("targetgroup/api/4567"),
		"aurora_cluster_identifier":   cty.StringVal("ai-tools-production"),
		"aurora_instance_count":       cty.NumberIntVal(3),
		"elasticache_cluster_ids":     cty.ListVal([]cty.Value{cty.StringVal("ai-tools-production-001"), cty.StringVal("ai-tools-production-002")}),
		"notify_insufficient_data":    cty.True,
		"slack_enabled":               cty.False,
	}
}

// evaluated is what evalModule finds: every instance of the asked resource types by its
// label, and the module's outputs and locals that could be evaluated, as JSON.
type evaluated struct {
	Resources map[string]string
	Outputs   map[string]string
	Locals    map[string]string
}

// evalSpec says what evalModule expands and what it takes as given.
type evalSpec struct {
	// types are the resource types to expand, in order: later ones may use earlier ones.
	types []string
	// known are the values of other resources and data sources the expanded ones use,
	// by first name segment (aws_sns_topic, data).
	known map[string]cty.Value
	// label names an instance from its type and evaluated arguments; labels are unique.
	label func(typ string, attrs map[string]cty.Value) string
	// extra adds computed attributes to an instance as others see it (an ARN, an id).
	extra func(typ string, attrs map[string]cty.Value)
}

// alarmsOf evaluates the observability module in dir as a plan would for the given
// inputs, as far as its alarms go: every aws_cloudwatch_metric_alarm and
// aws_cloudwatch_composite_alarm instance, by alarm name.
func alarmsOf(t *testing.T, dir string, inputs map[string]cty.Value) evaluated {
	t.Helper()
	return evalModule(t, dir, inputs, evalSpec{
		types: []string{"aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"},
		known: map[string]cty.Value{
			"data":          cty.ObjectVal(map[string]cty.Value{"aws_partition": cty.ObjectVal(map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"partition": cty.StringVal("aws")})})}),
			"aws_sns_topic": cty.ObjectVal(map[string]cty.Value{"alarms": cty.ObjectVal(map[string]cty.Value{"arn": cty.StringVal(testTopicARN)})}),
			// The forwarder's dead-letter queue, which the forwarder's alarm watches.
			"aws_sqs_queue": cty.ObjectVal(map[string]cty.Value{"forwarder_dlq": cty.TupleVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("ai-tools-alarm-forwarder-dlq")})})}),
		},
		label: func(_ string, attrs map[string]cty.Value) string { return attrs["alarm_name"].AsString() },
		extra: func(_ string, attrs map[string]cty.Value) {
			attrs["arn"] = cty.StringVal("arn:aws:cloudwatch:eu-central-1:111111111111:alarm:" + attrs["alarm_name"].AsString())
		},
	})
}

// evalModule evaluates the module in dir as a plan would for the given inputs, as far
// as the spec's resource types go: their instances (count and for_each expanded), each
// as JSON of its non-null arguments and nested blocks, under its label. Locals are
// evaluated in passes, as far as what is known allows.
func evalModule(t *testing.T, dir string, inputs map[string]cty.Value, spec evalSpec) evaluated {
	t.Helper()
	m, diags := tfmodule.Load(dir)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", dir, diags)
	}
	vars := map[string]cty.Value{}
	for name, v := range m.Variables {
		val, ok := inputs[name]
		if !ok {
			if v.Required {
				t.Fatalf("%s: required variable %s has no input", dir, name)
			}
			val = v.Default
		}
		conv, err := v.Convert(val)
		if err != nil {
			t.Fatalf("var.%s: %v", name, err)
		}
		vars[name] = conv
	}

	var localAttrs, outputs []*hclsyntax.Attribute
	blocks := map[string][]*hclsyntax.Block{}
	p := hclparse.NewParser()
	for _, f := range m.Files {
		file, diags := p.ParseHCLFile(f)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			switch {
			case b.Type == "locals":
				for _, a := range b.Body.Attributes {
					localAttrs = append(localAttrs, a)
				}
			case b.Type == "output":
				if a, ok := b.Body.Attributes["value"]; ok {
					a.Name = b.Labels[0]
					outputs = append(outputs, a)
				}
			case b.Type == "resource" && slices.Contains(spec.types, b.Labels[0]):
				blocks[b.Labels[0]] = append(blocks[b.Labels[0]], b)
			}
		}
	}

	ctx := &hcl.EvalContext{Functions: tfmodule.Functions(), Variables: maps.Clone(spec.known)}
	ctx.Variables["var"] = cty.ObjectVal(vars)
	// Locals in passes: a local whose references are not there yet waits for the next.
	locals := map[string]cty.Value{}
	evalLocals := func() {
		clear(locals)
		for range len(localAttrs) + 1 {
			ctx.Variables["local"] = cty.ObjectVal(locals)
			for _, a := range localAttrs {
				if _, done := locals[a.Name]; done {
					continue
				}
				v, diags := a.Expr.Value(ctx)
				if !diags.HasErrors() && v.IsWhollyKnown() {
					locals[a.Name] = v
				}
			}
		}
		ctx.Variables["local"] = cty.ObjectVal(locals)
	}

	out := evaluated{Resources: map[string]string{}, Outputs: map[string]string{}, Locals: map[string]string{}}
	evalLocals()
	for _, typ := range spec.types {
		byName := map[string]cty.Value{}
		for _, b := range blocks[typ] {
			var list []cty.Value
			byKey := map[string]cty.Value{}
			for _, inst := range instances(t, ctx, b) {
				attrs := evalBody(t, inst.ctx, b.Body)
				label := spec.label(typ, attrs)
				if _, dup := out.Resources[label]; dup {
					t.Errorf("%s: two instances labelled %s", b.Range(), label)
				}
				out.Resources[label] = jsonOf(t, cty.ObjectVal(attrs))
				if spec.extra != nil {
					spec.extra(typ, attrs)
				}
				list = append(list, cty.ObjectVal(attrs))
				byKey[inst.key] = cty.ObjectVal(attrs)
			}
			switch {
			case b.Body.Attributes["for_each"] != nil:
				byName[b.Labels[1]] = cty.ObjectVal(byKey)
			case b.Body.Attributes["count"] != nil:
				byName[b.Labels[1]] = cty.TupleVal(list)
			default:
				byName[b.Labels[1]] = list[0]
			}
		}
		ctx.Variables[typ] = cty.ObjectVal(byName)
		evalLocals()
	}
	for name, v := range locals {
		out.Locals[name] = jsonOf(t, v)
	}
	for _, o := range outputs {
		if v, diags := o.Expr.Value(ctx); !diags.HasErrors() && v.IsWhollyKnown() {
			out.Outputs[o.Name] = jsonOf(t, v)
		}
	}
	return out
}

func jsonOf(t *testing.T, v cty.Value) string {
	t.Helper()
	js, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// One expanded resource instance: its evaluation context, and its key (for_each) or
// index (count) as a string.
type instance struct {
	ctx *hcl.EvalContext
	key string
}

func instances(t *testing.T, ctx *hcl.EvalContext, b *hclsyntax.Block) []instance {
	t.Helper()
	child := func(extra map[string]cty.Value) *hcl.EvalContext {
		c := ctx.NewChild()
		c.Variables = extra
		return c
	}
	if a, ok := b.Body.Attributes["count"]; ok {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s: count: %v", b.Range(), diags)
		}
		n, _ := v.AsBigFloat().Int64()
		var out []instance
		for i := range int(n) {
			out = append(out, instance{child(map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})}), fmt.Sprint(i)})
		}
		return out
	}
	if a, ok := b.Body.Attributes["for_each"]; ok {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s: for_each: %v", b.Range(), diags)
		}
		var out []instance
		for it := v.ElementIterator(); it.Next(); {
			k, val := it.Element()
			if v.Type().IsSetType() {
				k = val
			}
			each := cty.ObjectVal(map[string]cty.Value{"key": k, "value": val})
			out = append(out, instance{child(map[string]cty.Value{"each": each}), k.AsString()})
		}
		return out
	}
	return []instance{{ctx, ""}}
}

// evalBody evaluates the arguments of a resource body (meta-arguments left out, nulls
// dropped) and its nested blocks, as lists of objects under the block type's name.
func evalBody(t *testing.T, ctx *hcl.EvalContext, body *hclsyntax.Body) map[string]cty.Value {
	t.Helper()
	attrs := map[string]cty.Value{}
	for name, a := range body.Attributes {
		if slices.Contains([]string{"count", "for_each", "depends_on", "provider"}, name) {
			continue
		}
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", a.SrcRange, diags)
		}
		if !v.IsNull() {
			attrs[name] = v
		}
	}
	nested := map[string][]cty.Value{}
	for _, b := range body.Blocks {
		if b.Type == "lifecycle" {
			continue
		}
		nested[b.Type] = append(nested[b.Type], cty.ObjectVal(evalBody(t, ctx, b.Body)))
	}
	for typ, vs := range nested {
		attrs[typ] = cty.TupleVal(vs)
	}
	return attrs
}

func moduleAlarms(t *testing.T) map[string]map[string]any {
	t.Helper()
	raw := alarmsOf(t, moduleDir(t, "observability"), productionInputs()).Resources
	out := map[string]map[string]any{}
	for name, js := range raw {
		var v map[string]any
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatal(err)
		}
		out[name] = v
	}
	return out
}

// The alarms a production unit gets: the spec's three (CPU > 75 %, error rate > 2 % as
// metric math, p99 latency > 1 s) and the platform's, each under its name, with its
// threshold, dimensions and the topic as every action (INSUFFICIENT_DATA too, as asked).
func TestProductionAlarms(t *testing.T) {
	alarms := moduleAlarms(t)
	type want struct {
		metric, stat, comparison string
		threshold                float64
		dimensions               map[string]any
	}
	alb := map[string]any{"LoadBalancer": "app/ai-tools-production/0123"}
	db := map[string]any{"DBClusterIdentifier": "ai-tools-production"}
	wants := map[string]want{
		"ai-tools-production-api-cpu-high":                            {"CPUUtilization", "Average", "GreaterThanThreshold", 75, map[string]any{"ClusterName": "ai-tools-production", "ServiceName": "ai-tools-production-api"}},
		"ai-tools-production-worker-cpu-high":                         {"CPUUtilization", "Average", "GreaterThanThreshold", 75, map[string]any{"ClusterName": "ai-tools-production", "ServiceName": "ai-tools-production-worker"}},
		"ai-tools-production-api-memory-high":                         {"MemoryUtilization", "Average", "GreaterThanThreshold", 80, map[string]any{"ClusterName": "ai-tools-production", "ServiceName": "ai-tools-production-api"}},
		"ai-tools-production-worker-memory-high":                      {"MemoryUtilization", "Average", "GreaterThanThreshold", 80, map[string]any{"ClusterName": "ai-tools-production", "ServiceName": "ai-tools-production-worker"}},
		"ai-tools-production-api-latency-p99":                         {"TargetResponseTime", "p99", "GreaterThanThreshold", 1, alb},
		"ai-tools-production-api-unhealthy-hosts":                     {"UnHealthyHostCount", "Maximum", "GreaterThanThreshold", 0, map[string]any{"LoadBalancer": "app/ai-tools-production/0123", "TargetGroup": "targetgroup/api/4567"}},
		"ai-tools-production-api-log-errors":                          {"ApiErrors", "Sum", "GreaterThanThreshold", 10, nil},
		"ai-tools-production-aurora-cpu-high":                         {"CPUUtilization", "Average", "GreaterThanThreshold", 80, db},
		"ai-tools-production-aurora-freeable-memory-low":              {"FreeableMemory", "Minimum", "LessThanThreshold", 268435456, db},
		"ai-tools-production-aurora-replica-lag":                      {"AuroraReplicaLagMaximum", "Maximum", "GreaterThanThreshold", 1000, db},
		"ai-tools-production-cache-ai-tools-production-001-cpu-high":  {"EngineCPUUtilization", "Average", "GreaterThanThreshold", 75, map[string]any{"CacheClusterId": "ai-tools-production-001"}},
		"ai-tools-production-cache-ai-tools-production-002-cpu-high":  {"EngineCPUUtilization", "Average", "GreaterThanThreshold", 75, map[string]any{"CacheClusterId": "ai-tools-production-002"}},
		"ai-tools-production-cache-ai-tools-production-001-evictions": {"Evictions", "Sum", "GreaterThanThreshold", 100, map[string]any{"CacheClusterId": "ai-tools-production-001"}},
		"ai-tools-production-cache-ai-tools-production-002-evictions": {"Evictions", "Sum", "GreaterThanThreshold", 100, map[string]any{"CacheClusterId": "ai-tools-production-002"}},
	}
	for name, w := range wants {
		a, ok := alarms[name]
		if !ok {
			t.Errorf("no alarm %s", name)
			continue
		}
		stat := a["statistic"]
		if stat == nil {
			stat = a["extended_statistic"]
		}
		got := fmt.Sprint(a["metric_name"], " ", stat, " ", a["comparison_operator"], " ", a["threshold"], " ", a["dimensions"])
		exp := fmt.Sprint(w.metric, " ", w.stat, " ", w.comparison, " ", w.threshold, " ", w.dimensions)
		if w.dimensions == nil {
			exp = fmt.Sprint(w.metric, " ", w.stat, " ", w.comparison, " ", w.threshold, " <nil>")
		}
		if got != exp {
			t.Errorf("%s: %s, want %s", name, got, exp)
		}
	}
	// The error rate is metric math over the ALB's 5xx counts and requests.
	rate := alarms["ai-tools-production-alb-5xx-rate"]
	if rate == nil || rate["threshold"] != 2.0 || !strings.Contains(fmt.Sprint(rate["metric_query"]), "HTTPCode_Target_5XX_Count") {
		t.Errorf("alb-5xx-rate: %v", rate)
	}
	health := alarms["ai-tools-production-service-health"]
	wantRule := `ALARM("ai-tools-production-alb-5xx-rate") OR ALARM("ai-tools-production-api-latency-p99") OR ALARM("ai-tools-production-api-unhealthy-hosts") OR ALARM("ai-tools-production-api-cpu-high")`
	if health == nil || health["alarm_rule"] != wantRule {
		t.Errorf("service-health rule: %v, want %s", health["alarm_rule"], wantRule)
	}
	for name, a := range alarms {
		if fmt.Sprint(a["alarm_actions"]) != "["+testTopicARN+"]" || fmt.Sprint(a["ok_actions"]) != "["+testTopicARN+"]" {
			t.Errorf("%s: actions %v / %v, want the topic", name, a["alarm_actions"], a["ok_actions"])
		}
		if _, composite := a["alarm_rule"]; !composite && fmt.Sprint(a["insufficient_data_actions"]) != "["+testTopicARN+"]" {
			t.Errorf("%s: insufficient_data_actions %v, want the topic", name, a["insufficient_data_actions"])
		}
	}
	if len(alarms) != len(wants)+2 {
		names := make([]string, 0, len(alarms))
		for n := range alarms {
			names = append(names, n)
		}
		slices.Sort(names)
		t.Errorf("%d alarms, want %d: %s", len(alarms), len(wants)+2, strings.Join(names, ", "))
	}
}
