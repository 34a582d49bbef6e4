package awssim

import (
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// validateConfig is the provider-side validation. OpenTofu itself checks the
// configuration against the served schema (types, required and computed-only
// arguments, block counts); the bindings the schema comes from carry no
// ConflictsWith/ExactlyOneOf or value validators, so nothing more is checked here.
func validateConfig(*typeSchema, cty.Value) []*tfprotov5.Diagnostic { return nil }

// forceNew lists, per resource type, the arguments whose change replaces the resource
// in hashicorp/aws 6.66.0. The bindings do not carry ForceNew, so this table is
// written from the provider's documentation for the types the modules use; "*" holds
// the arguments that force replacement wherever a resource has them (name and
// name_prefix almost everywhere). Types and arguments not listed update in place.
var forceNew = map[string][]string{
	"*":                                       {"name", "name_prefix"},
	"aws_s3_bucket":                           {"bucket", "bucket_prefix", "object_lock_enabled"},
	"aws_vpc":                                 {"cidr_block", "instance_tenancy"},
	"aws_subnet":                              {"vpc_id", "cidr_block", "availability_zone", "availability_zone_id"},
	"aws_security_group":                      {"vpc_id", "description"},
	"aws_route_table":                         {"vpc_id"},
	"aws_route_table_association":             {"subnet_id", "gateway_id"},
	"aws_nat_gateway":                         {"subnet_id", "allocation_id", "connectivity_type"},
	"aws_internet_gateway":                    {},
	"aws_eip":                                 {"domain"},
	"aws_flow_log":                            {"vpc_id", "subnet_id", "log_destination", "log_destination_type", "traffic_type", "iam_role_arn", "log_group_name"},
	"aws_vpc_endpoint":                        {"vpc_id", "service_name", "vpc_endpoint_type"},
	"aws_kms_key":                             {"customer_master_key_spec", "key_usage", "multi_region"},
	"aws_kms_alias":                           {},
	"aws_rds_cluster":                         {"cluster_identifier", "cluster_identifier_prefix", "engine", "database_name", "master_username", "storage_encrypted", "kms_key_id", "availability_zones", "db_subnet_group_name"},
	"aws_rds_cluster_instance":                {"identifier", "identifier_prefix", "cluster_identifier", "engine"},
	"aws_db_subnet_group":                     {},
	"aws_rds_cluster_parameter_group":         {"family", "description"},
	"aws_db_parameter_group":                  {"family", "description"},
	"aws_elasticache_replication_group":       {"replication_group_id", "at_rest_encryption_enabled", "kms_key_id", "subnet_group_name", "engine"},
	"aws_elasticache_subnet_group":            {},
	"aws_elasticache_parameter_group":         {"family", "description"},
	"aws_ecr_repository":                      {"encryption_configuration"},
	"aws_ecs_task_definition":                 {"family", "container_definitions", "cpu", "memory", "network_mode", "requires_compatibilities", "execution_role_arn", "task_role_arn", "runtime_platform", "volume", "ephemeral_storage"},
	"aws_ecs_service":                         {"cluster", "launch_type", "iam_role"},
	"aws_lb":                                  {"internal", "load_balancer_type"},
	"aws_lb_target_group":                     {"port", "protocol", "vpc_id", "target_type", "protocol_version"},
	"aws_lb_listener":                         {"load_balancer_arn"},
	"aws_iam_role_policy_attachment":          {"role", "policy_arn"},
	"aws_iam_role_policy":                     {"role"},
	"aws_iam_openid_connect_provider":         {"url"},
	"aws_secretsmanager_secret_version":       {"secret_id", "secret_string", "secret_binary"},
	"aws_cloudwatch_log_group":                {},
	"aws_sns_topic_subscription":              {"topic_arn", "protocol", "endpoint"},
	"aws_wafv2_web_acl":                       {"scope"},
	"aws_wafv2_web_acl_association":           {"resource_arn", "web_acl_arn"},
	"aws_wafv2_web_acl_logging_configuration": {"resource_arn"},
	"aws_dynamodb_table":                      {},
	"aws_acm_certificate":                     {"domain_name", "validation_method", "key_algorithm"},
	"aws_route53_record":                      {"zone_id"},
	"aws_appautoscaling_target":               {"resource_id", "scalable_dimension", "service_namespace"},
	"aws_appautoscaling_policy":               {"resource_id", "scalable_dimension", "service_namespace"},
	"aws_lambda_permission":                   {"action", "function_name", "principal", "source_arn", "statement_id"},
	"aws_cloudwatch_log_subscription_filter":  {"log_group_name"},
	"aws_s3_bucket_versioning":                {"bucket"},
	"aws_s3_bucket_server_side_encryption_configuration": {"bucket"},
	"aws_s3_bucket_public_access_block":                  {"bucket"},
	"aws_s3_bucket_policy":                               {"bucket"},
	"aws_s3_bucket_lifecycle_configuration":              {"bucket"},
	"aws_s3_bucket_logging":                              {"bucket"},
	"aws_s3_bucket_ownership_controls":                   {"bucket"},
	"aws_s3_bucket_replication_configuration":            {"bucket"},
}

// forceNewAttrs returns the force-new arguments of a resource type that its schema has.
func forceNewAttrs(ts *typeSchema) []string {
	var out []string
	for _, n := range append(append([]string{}, forceNew["*"]...), forceNew[ts.name]...) {
		if a, ok := ts.block.Attributes[n]; ok && !a.ComputedOnly() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// plan computes the planned state: the proposed state with unset computed attributes
// unknown (on create or replacement), tags_all merged from default_tags, write-only
// arguments null. It returns the arguments that force a replacement.
func (p *Provider) plan(ts *typeSchema, prior, proposed, cfg cty.Value) (cty.Value, []string) {
	if proposed.IsNull() {
		return proposed, nil
	}
	create := prior.IsNull()
	var replace []string
	if !create {
		for _, n := range forceNewAttrs(ts) {
			nv, pv := proposed.GetAttr(n), prior.GetAttr(n)
			if !nv.IsWhollyKnown() || !nv.RawEquals(pv) {
				if nv.IsWhollyKnown() || !nv.IsNull() {
					replace = append(replace, n)
				}
			}
		}
	}
	// A replacement plans like a creation: from the configuration, nothing carried over.
	planned := planBlock(ts.block, proposed, prior)
	if len(replace) > 0 && !cfg.IsNull() {
		planned = planBlock(ts.block, cfg, cty.NullVal(ts.ty))
	}
	if ta, ok := ts.block.Attributes["tags_all"]; ok && ta.Computed {
		if _, ok := ts.block.Attributes["tags"]; ok {
			planned = setAttr(planned, "tags_all", p.tagsAll(planned.GetAttr("tags")))
		}
	}
	return customizePlan(ts, planned, cfg), replace
}

// customizePlan adds what hashicorp/aws's own plan-time logic (CustomizeDiff) knows
// before apply, where modules depend on it.
func customizePlan(ts *typeSchema, planned, cfg cty.Value) cty.Value {
	switch ts.name {
	case "aws_acm_certificate":
		// The domain validation options are known by domain at plan (their record names
		// and values are not), so for_each over them plans, as against AWS.
		dvo := planned.GetAttr("domain_validation_options")
		dn := planned.GetAttr("domain_name")
		if dvo.IsKnown() || !dn.IsKnown() || dn.IsNull() {
			return planned
		}
		sans := getAttr(cfg, "subject_alternative_names") // unset: none
		if !sans.IsWhollyKnown() {
			return planned
		}
		domains := []string{dn.AsString()}
		if !sans.IsNull() {
			for it := sans.ElementIterator(); it.Next(); {
				_, v := it.Element()
				if v.AsString() != dn.AsString() {
					domains = append(domains, v.AsString())
				}
			}
		}
		et := dvo.Type().ElementType()
		var elems []cty.Value
		for _, d := range domains {
			elems = append(elems, cty.ObjectVal(map[string]cty.Value{
				"domain_name":           cty.StringVal(d),
				"resource_record_name":  cty.UnknownVal(cty.String),
				"resource_record_type":  cty.StringVal("CNAME"),
				"resource_record_value": cty.UnknownVal(cty.String),
			}))
		}
		if !et.Equals(elems[0].Type()) {
			return planned
		}
		return setAttr(planned, "domain_validation_options", cty.SetVal(elems))
	}
	return planned
}

// tagsAll merges the provider's default_tags with a resource's tags (the resource's win).
func (p *Provider) tagsAll(tags cty.Value) cty.Value {
	if !tags.IsWhollyKnown() {
		return cty.UnknownVal(cty.Map(cty.String))
	}
	m := map[string]string{}
	for k, v := range p.config().defaultTags {
		m[k] = v
	}
	if !tags.IsNull() {
		for it := tags.ElementIterator(); it.Next(); {
			k, v := it.Element()
			if v.IsNull() {
				continue
			}
			m[k.AsString()] = v.AsString()
		}
	}
	return stringMapVal(m)
}

// planBlock plans one block value: computed attributes left null in the proposal are
// unknown where there is no prior value, nested blocks follow their prior elements.
func planBlock(b *schema.Block, proposed, prior cty.Value) cty.Value {
	if proposed.IsNull() || !proposed.IsKnown() {
		return proposed
	}
	ty := proposed.Type()
	out := make(map[string]cty.Value, len(ty.AttributeTypes()))
	for n := range ty.AttributeTypes() {
		v := proposed.GetAttr(n)
		if a, ok := b.Attributes[n]; ok {
			switch {
			case a.WriteOnly:
				v = cty.NullVal(v.Type())
			case a.Computed && v.IsNull():
				if pv := getAttr(prior, n); !pv.IsNull() {
					v = pv
				} else {
					v = cty.UnknownVal(v.Type())
				}
			}
			out[n] = v
			continue
		}
		nb, ok := b.Blocks[n]
		if !ok || v.IsNull() || !v.IsKnown() {
			out[n] = v
			continue
		}
		body := nb.Body()
		pv := getAttr(prior, n)
		switch {
		case nb.Nesting == "single":
			out[n] = planBlock(body, v, pv)
		case v.Type().IsListType():
			var elems []cty.Value
			var priors []cty.Value
			if !pv.IsNull() && pv.IsKnown() && pv.Type().IsListType() {
				priors = pv.AsValueSlice()
			}
			for i, e := range v.AsValueSlice() {
				var pe cty.Value = cty.NullVal(e.Type())
				if i < len(priors) {
					pe = priors[i]
				}
				elems = append(elems, planBlock(body, e, pe))
			}
			if len(elems) == 0 {
				out[n] = v
			} else {
				out[n] = cty.ListVal(elems)
			}
		case v.Type().IsSetType():
			var priors []cty.Value
			if !pv.IsNull() && pv.IsKnown() && pv.Type().IsSetType() {
				priors = pv.AsValueSlice()
			}
			var elems []cty.Value
			for _, e := range v.AsValueSlice() {
				elems = append(elems, planBlock(body, e, matchPrior(body, e, priors)))
			}
			if len(elems) == 0 {
				out[n] = v
			} else {
				out[n] = cty.SetVal(elems)
			}
		default:
			out[n] = v
		}
	}
	return cty.ObjectVal(out)
}

// matchPrior finds the prior set element whose configurable attributes equal e's, so
// its computed values carry over (a set has no positions to match on).
func matchPrior(b *schema.Block, e cty.Value, priors []cty.Value) cty.Value {
	for _, pe := range priors {
		if sameConfigured(b, e, pe) {
			return pe
		}
	}
	return cty.NullVal(e.Type())
}

func sameConfigured(b *schema.Block, x, y cty.Value) bool {
	if x.IsNull() || y.IsNull() || !x.IsKnown() || !y.IsKnown() {
		return false
	}
	for n, a := range b.Attributes {
		if a.ComputedOnly() || a.WriteOnly {
			continue
		}
		xv, yv := x.GetAttr(n), y.GetAttr(n)
		if a.Computed && xv.IsNull() {
			continue
		}
		if !xv.IsWhollyKnown() || !xv.RawEquals(yv) {
			return false
		}
	}
	for n, nb := range b.Blocks {
		xv, yv := x.GetAttr(n), y.GetAttr(n)
		if !xv.IsWhollyKnown() || !yv.IsWhollyKnown() {
			return false
		}
		if xv.IsNull() != yv.IsNull() {
			return false
		}
		if xv.IsNull() {
			continue
		}
		if nb.Nesting == "single" {
			if !sameConfigured(nb.Body(), xv, yv) {
				return false
			}
			continue
		}
		xs, ys := xv.AsValueSlice(), yv.AsValueSlice()
		if len(xs) != len(ys) {
			return false
		}
		for _, xe := range xs {
			found := false
			for _, ye := range ys {
				if sameConfigured(nb.Body(), xe, ye) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}
