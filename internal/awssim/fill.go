package awssim

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// ident is what a simulated resource's ids, ARNs and endpoints derive from: its type,
// its name (the first naming argument it has) or else a digest of its configuration,
// the region and the account.
type ident struct {
	typ, name, region, account string
	key                        string // digest input: type + name or configuration
	priorID                    string // the id before an update (kept)
	multiRegion                bool   // a multi-region KMS key: its id is mrk-<32 hex>
	keyID                      string // a KMS replica key: the id of its primary key
}

// nameAttrs are the arguments that name a resource, in order of preference.
var nameAttrs = []string{
	"name", "bucket", "cluster_identifier", "replication_group_id", "identifier", "function_name",
	"family", "repository", "role", "alarm_name", "topic_name", "cluster_id", "domain_name",
	"name_prefix", "bucket_prefix", "identifier_prefix", "cluster_identifier_prefix", "secret_id", "url",
}

func (p *Provider) identity(typ string, v cty.Value) ident {
	c := p.config()
	id := ident{typ: typ, region: c.region, account: c.account}
	if mr := getAttr(v, "multi_region"); typ == "aws_kms_key" && mr.IsKnown() && !mr.IsNull() && mr.Type() == cty.Bool {
		id.multiRegion = mr.True()
	}
	if arn := getString(v, "primary_key_arn"); typ == "aws_kms_replica_key" && strings.Contains(arn, ":key/") {
		id.keyID = arn[strings.LastIndex(arn, ":key/")+len(":key/"):]
	}
	for _, n := range nameAttrs {
		if s := getString(v, n); s != "" {
			id.name = s
			break
		}
	}
	if id.name != "" {
		id.key = typ + "/" + id.name
	} else {
		id.key = typ + "/" + knownDigest(v)
	}
	return id
}

// knownDigest digests the known part of a value (unknowns become null), so equal
// configurations get equal ids.
func knownDigest(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	known, _ := cty.Transform(v, func(_ cty.Path, x cty.Value) (cty.Value, error) {
		if !x.IsKnown() {
			return cty.NullVal(x.Type()), nil
		}
		return x, nil
	})
	b, err := ctyjson.Marshal(known, known.Type())
	if err != nil {
		return "unencodable"
	}
	return digest(16, string(b))
}

func (i ident) hex(n int, salt string) string { return digest(n, i.region, i.account, i.key, salt) }

// shortName is the resource's name, or a digest when it has none.
func (i ident) shortName() string {
	if i.name != "" {
		return i.name
	}
	return i.hex(8, "name")
}

// idPrefixes are the EC2-style id prefixes (vpc-0123...).
var idPrefixes = map[string]string{
	"aws_vpc": "vpc", "aws_subnet": "subnet", "aws_security_group": "sg", "aws_default_security_group": "sg",
	"aws_internet_gateway": "igw", "aws_egress_only_internet_gateway": "eigw", "aws_nat_gateway": "nat",
	"aws_eip": "eipalloc", "aws_route_table": "rtb", "aws_default_route_table": "rtb",
	"aws_route_table_association": "rtbassoc", "aws_network_acl": "acl", "aws_default_network_acl": "acl",
	"aws_vpc_endpoint": "vpce", "aws_flow_log": "fl", "aws_vpc_security_group_ingress_rule": "sgr",
	"aws_vpc_security_group_egress_rule": "sgr", "aws_security_group_rule": "sgrule", "aws_instance": "i",
	"aws_launch_template": "lt", "aws_ebs_volume": "vol", "aws_network_interface": "eni",
	"aws_ec2_transit_gateway": "tgw", "aws_vpn_gateway": "vgw", "aws_customer_gateway": "cgw",
	"aws_vpc_peering_connection": "pcx", "aws_key_pair": "key", "aws_vpc_dhcp_options": "dopt",
	"aws_ami": "ami", "aws_placement_group": "pg", "aws_network_acl_rule": "nacl",
	"aws_ec2_managed_prefix_list": "pl",
}

// idIsARN are the types whose id is their ARN.
var idIsARN = map[string]bool{
	"aws_lb": true, "aws_alb": true, "aws_lb_target_group": true, "aws_alb_target_group": true, "aws_lb_listener": true,
	"aws_lb_listener_rule": true, "aws_ecs_cluster": true, "aws_ecs_service": true, "aws_sns_topic": true,
	"aws_sns_topic_subscription": true, "aws_secretsmanager_secret": true, "aws_iam_openid_connect_provider": true,
	"aws_iam_policy": true, "aws_acm_certificate": true, "aws_wafv2_web_acl_logging_configuration": false,
	"aws_cloudwatch_event_rule": false, "aws_sfn_state_machine": true,
}

// idIsUUID are the types whose id is a generated UUID.
var idIsUUID = map[string]bool{"aws_kms_key": true, "aws_kms_replica_key": true, "aws_wafv2_web_acl": true, "aws_wafv2_ip_set": true, "aws_wafv2_rule_group": true, "aws_guardduty_detector": true}

// uuid is the resource's generated key id: a UUID, or for a multi-region KMS key
// "mrk-" and 32 hex digits, as AWS gives them (the replica keeps its primary's id).
func (i ident) uuid() string {
	if i.keyID != "" {
		return i.keyID
	}
	if i.multiRegion {
		return "mrk-" + i.hex(32, "mrk")
	}
	return uuidOf(i.region, i.account, i.key)
}

// id is the resource's id in AWS's format for its type.
func (i ident) id() string {
	if i.priorID != "" {
		return i.priorID
	}
	switch {
	case idPrefixes[i.typ] != "":
		return idPrefixes[i.typ] + "-" + i.hex(17, "id")
	case idIsARN[i.typ]:
		return i.arn()
	case idIsUUID[i.typ]:
		return i.uuid()
	case i.typ == "aws_ecs_task_definition":
		return i.shortName()
	case i.typ == "aws_secretsmanager_secret_version":
		return i.shortName() + "|" + uuidOf(i.key, "version")
	case i.typ == "aws_wafv2_web_acl_association":
		return i.hex(12, "assoc")
	case i.typ == "aws_iam_role_policy_attachment":
		return i.shortName() + "-" + i.hex(20, "attach")
	case i.typ == "aws_route53_zone":
		return "Z" + strings.ToUpper(i.hex(20, "zone"))
	case i.typ == "aws_route53_record", i.typ == "aws_route":
		return i.hex(16, "record")
	case i.name != "":
		return i.name
	}
	return strings.TrimPrefix(i.typ, "aws_") + "-" + i.hex(17, "id")
}

// arnServices maps a resource type (by prefix, longest wins) to its ARN's service,
// whether the ARN is regional, and the resource part's format: {name}, {id}, {uuid},
// {hex} are substituted.
var arnServices = []struct {
	prefix, service string
	regional        bool
	format          string
}{
	{"aws_s3_bucket", "s3", false, "{name}"},
	{"aws_iam_role", "iam", false, "role/{name}"},
	{"aws_iam_policy", "iam", false, "policy/{name}"},
	{"aws_iam_user", "iam", false, "user/{name}"},
	{"aws_iam_group", "iam", false, "group/{name}"},
	{"aws_iam_instance_profile", "iam", false, "instance-profile/{name}"},
	{"aws_iam_openid_connect_provider", "iam", false, "oidc-provider/{name}"},
	{"aws_kms_key", "kms", true, "key/{uuid}"},
	{"aws_kms_replica_key", "kms", true, "key/{uuid}"},
	{"aws_kms_alias", "kms", true, "{name}"},
	{"aws_cloudwatch_log_group", "logs", true, "log-group:{name}"},
	{"aws_cloudwatch_metric_alarm", "cloudwatch", true, "alarm:{name}"},
	{"aws_cloudwatch_dashboard", "cloudwatch", false, "dashboard/{name}"},
	{"aws_lb_target_group", "elasticloadbalancing", true, "targetgroup/{name}/{hex}"},
	{"aws_lb_listener_rule", "elasticloadbalancing", true, "listener-rule/app/{hex}"},
	{"aws_lb_listener", "elasticloadbalancing", true, "listener/app/{hex}"},
	{"aws_lb", "elasticloadbalancing", true, "loadbalancer/app/{name}/{hex}"},
	{"aws_ecs_cluster", "ecs", true, "cluster/{name}"},
	{"aws_ecs_service", "ecs", true, "service/{name}"},
	{"aws_ecs_task_definition", "ecs", true, "task-definition/{name}:1"},
	{"aws_ecr_repository", "ecr", true, "repository/{name}"},
	{"aws_rds_cluster_parameter_group", "rds", true, "cluster-pg:{name}"},
	{"aws_rds_cluster_instance", "rds", true, "db:{name}"},
	{"aws_rds_cluster", "rds", true, "cluster:{name}"},
	{"aws_db_subnet_group", "rds", true, "subgrp:{name}"},
	{"aws_db_parameter_group", "rds", true, "pg:{name}"},
	{"aws_db_instance", "rds", true, "db:{name}"},
	{"aws_elasticache_replication_group", "elasticache", true, "replicationgroup:{name}"},
	{"aws_elasticache_subnet_group", "elasticache", true, "subnetgroup:{name}"},
	{"aws_elasticache_parameter_group", "elasticache", true, "parametergroup:{name}"},
	{"aws_secretsmanager_secret", "secretsmanager", true, "secret:{name}-{hex6}"},
	{"aws_sns_topic", "sns", true, "{name}"},
	{"aws_sqs_queue", "sqs", true, "{name}"},
	{"aws_lambda_function", "lambda", true, "function:{name}"},
	{"aws_wafv2_web_acl", "wafv2", true, "regional/webacl/{name}/{uuid}"},
	{"aws_wafv2_ip_set", "wafv2", true, "regional/ipset/{name}/{uuid}"},
	{"aws_dynamodb_table", "dynamodb", true, "table/{name}"},
	{"aws_acm_certificate", "acm", true, "certificate/{uuid}"},
	{"aws_route53_zone", "route53", false, "hostedzone/{id}"},
	{"aws_xray", "xray", true, "{name}"},
	{"aws_appautoscaling_policy", "autoscaling", true, "scalingPolicy:{uuid}:resource/{name}"},
	{"aws_sfn_state_machine", "states", true, "stateMachine:{name}"},
	{"aws_vpc", "ec2", true, "{typ}/{id}"},
	{"aws_subnet", "ec2", true, "subnet/{id}"},
	{"aws_security_group", "ec2", true, "security-group/{id}"},
	{"aws_internet_gateway", "ec2", true, "internet-gateway/{id}"},
	{"aws_nat_gateway", "ec2", true, "natgateway/{id}"},
	{"aws_eip", "ec2", true, "elastic-ip/{id}"},
	{"aws_route_table", "ec2", true, "route-table/{id}"},
	{"aws_network_acl", "ec2", true, "network-acl/{id}"},
	{"aws_flow_log", "ec2", true, "vpc-flow-log/{id}"},
}

// arn is the resource's ARN.
func (i ident) arn() string {
	best := -1
	for k, s := range arnServices {
		if strings.HasPrefix(i.typ, s.prefix) && (best < 0 || len(s.prefix) > len(arnServices[best].prefix)) {
			best = k
		}
	}
	service, regional, format := strings.SplitN(strings.TrimPrefix(i.typ, "aws_"), "_", 2)[0], true, "{typ}/{name}"
	if best >= 0 {
		service, regional, format = arnServices[best].service, arnServices[best].regional, arnServices[best].format
	}
	idv := i.hex(17, "id")
	if p := idPrefixes[i.typ]; p != "" {
		idv = p + "-" + idv
	}
	if i.priorID != "" && !strings.HasPrefix(i.priorID, "arn:") {
		idv = i.priorID
	}
	r := strings.NewReplacer(
		"{name}", i.shortName(), "{hex6}", i.hex(6, "suffix"), "{hex}", i.hex(16, "arn"),
		"{uuid}", i.uuid(), "{id}", idv,
		"{typ}", strings.ReplaceAll(strings.TrimPrefix(i.typ, "aws_"), "_", "-"),
	).Replace(format)
	region, account := i.region, i.account
	if !regional {
		region = ""
	}
	if service == "s3" {
		account = ""
	}
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", partitionOf(i.region), service, region, account, r)
}

// fill replaces every unknown in a planned value with what AWS would have returned.
func (p *Provider) fill(ts *typeSchema, b *schema.Block, planned cty.Value, id ident) cty.Value {
	_ = b
	out, err := cty.Transform(planned, func(path cty.Path, v cty.Value) (cty.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		at := id
		if len(path) > 1 {
			// nested values differ per element: salt with the path
			at.key += "/" + pathKey(path)
		}
		return at.generate(ts, lastAttr(path), v.Type()), nil
	})
	if err != nil {
		return planned
	}
	return out
}

// pathKey is a deterministic text of a path; set elements are named by their known part.
func pathKey(path cty.Path) string {
	var b strings.Builder
	for _, st := range path {
		switch s := st.(type) {
		case cty.GetAttrStep:
			b.WriteString("." + s.Name)
		case cty.IndexStep:
			switch {
			case s.Key.Type() == cty.String && s.Key.IsKnown():
				b.WriteString("[" + s.Key.AsString() + "]")
			case s.Key.Type() == cty.Number && s.Key.IsKnown():
				b.WriteString("[" + s.Key.AsBigFloat().String() + "]")
			default:
				b.WriteString("[" + knownDigest(s.Key) + "]")
			}
		}
	}
	return b.String()
}

func lastAttr(path cty.Path) string {
	for k := len(path) - 1; k >= 0; k-- {
		if s, ok := path[k].(cty.GetAttrStep); ok {
			return s.Name
		}
	}
	return ""
}

// generate makes the value of an unknown attribute from its name and type.
func (i ident) generate(ts *typeSchema, name string, ty cty.Type) cty.Value {
	switch {
	case ty == cty.String:
		return cty.StringVal(i.generateString(name))
	case ty == cty.Number:
		return cty.NumberVal(new(big.Float).SetInt64(i.generateNumber(name)))
	case ty == cty.Bool:
		return cty.False
	case ty.IsListType():
		return cty.ListValEmpty(ty.ElementType())
	case ty.IsSetType():
		return cty.SetValEmpty(ty.ElementType())
	case ty.IsMapType():
		return cty.MapValEmpty(ty.ElementType())
	case ty.IsObjectType():
		m := map[string]cty.Value{}
		names := make([]string, 0, len(ty.AttributeTypes()))
		for n := range ty.AttributeTypes() {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			m[n] = i.generate(ts, n, ty.AttributeType(n))
		}
		return cty.ObjectVal(m)
	case ty == cty.DynamicPseudoType:
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return cty.NullVal(ty)
}

func (i ident) generateNumber(name string) int64 {
	switch name {
	case "port":
		switch {
		case strings.Contains(i.typ, "rds"):
			return 5432
		case strings.Contains(i.typ, "elasticache"):
			return 6379
		}
		return 443
	case "revision", "version", "latest_version":
		return 1
	}
	return 0
}

func (i ident) generateString(name string) string {
	host := func(kind string) string {
		return fmt.Sprintf("%s.%s.%s.%s.amazonaws.com", i.shortName(), i.hex(12, kind), i.region, strings.SplitN(strings.TrimPrefix(i.typ, "aws_"), "_", 2)[0])
	}
	switch {
	case name == "id":
		return i.id()
	case name == "arn":
		return i.arn()
	case name == "arn_suffix":
		a := i.arn()
		if k := strings.Index(a, ":loadbalancer/"); k >= 0 {
			return a[k+len(":loadbalancer/"):]
		}
		if k := strings.Index(a, ":targetgroup/"); k >= 0 {
			return a[k+1:]
		}
		return a[strings.LastIndex(a, ":")+1:]
	case name == "owner_id", name == "account_id", name == "owner", name == "registry_id":
		return i.account
	case name == "region":
		return i.region
	case name == "name" || name == "family":
		return i.shortName()
	case name == "key_id":
		return i.uuid()
	case name == "repository_url":
		return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", i.account, i.region, i.shortName())
	case name == "dns_name":
		if strings.HasPrefix(i.typ, "aws_lb") {
			return fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", i.shortName(), i.hex(10, "dns"), i.region)
		}
		return host("dns")
	case name == "reader_endpoint":
		return fmt.Sprintf("%s.cluster-ro-%s.%s.rds.amazonaws.com", i.shortName(), i.hex(12, "rds"), i.region)
	case name == "endpoint" && strings.HasPrefix(i.typ, "aws_rds"):
		return fmt.Sprintf("%s.cluster-%s.%s.rds.amazonaws.com", i.shortName(), i.hex(12, "rds"), i.region)
	case name == "primary_endpoint_address" || name == "configuration_endpoint_address":
		return fmt.Sprintf("master.%s.%s.%s.cache.amazonaws.com", i.shortName(), i.hex(6, "cache"), regionShort(i.region))
	case name == "reader_endpoint_address":
		return fmt.Sprintf("replica.%s.%s.%s.cache.amazonaws.com", i.shortName(), i.hex(6, "cache"), regionShort(i.region))
	case strings.HasSuffix(name, "endpoint") || strings.HasSuffix(name, "_address") || name == "address" || name == "hostname":
		return host(name)
	case name == "zone_id" || name == "hosted_zone_id" || name == "canonical_hosted_zone_id":
		return "Z" + strings.ToUpper(i.hex(13, name))
	case name == "availability_zone":
		return i.region + "a"
	case name == "cidr_block":
		return "10.0.0.0/16"
	case name == "public_ip":
		return fmt.Sprintf("203.0.113.%d", 1+int(i.hex(2, "ip")[0])%250)
	case name == "private_ip":
		return fmt.Sprintf("10.0.%d.%d", int(i.hex(2, "ip")[0])%250, int(i.hex(2, "ip")[1])%250)
	case name == "version_id":
		return uuidOf(i.key, "version")
	case name == "resource_record_name":
		return "_" + i.hex(32, "acm-name") + "." + i.shortName() + "."
	case name == "resource_record_value":
		return "_" + i.hex(32, "acm-value") + ".acm-validations.aws."
	case name == "fqdn":
		return i.shortName()
	case name == "status" || name == "state":
		return "available"
	case strings.HasSuffix(name, "_arn"):
		return i.arn() + "/" + strings.TrimSuffix(name, "_arn")
	case name == "prefix_list_id":
		return "pl-" + i.hex(8, name)
	case name == "cluster_resource_id":
		return "cluster-" + strings.ToUpper(i.hex(26, name))
	case name == "dbi_resource_id":
		return "db-" + strings.ToUpper(i.hex(26, name))
	case strings.HasSuffix(name, "_id"):
		return strings.ReplaceAll(strings.TrimSuffix(name, "_id"), "_", "-") + "-" + i.hex(17, name)
	}
	return "sim-" + i.hex(12, name)
}

// regionShort is the region's short code in ElastiCache endpoints (euc1, apse1...).
func regionShort(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := map[string]string{"central": "c", "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}[parts[1]]
	return parts[0] + dir + parts[2]
}

// imported is the state of an imported resource: its id, and the naming argument and
// ARN derivable from it.
func (p *Provider) imported(ts *typeSchema, id string) cty.Value {
	c := p.config()
	ident := ident{typ: ts.name, region: c.region, account: c.account, priorID: id}
	attrs := map[string]cty.Value{}
	for n, at := range ts.ty.AttributeTypes() {
		attrs[n] = cty.NullVal(at)
	}
	if _, ok := attrs["id"]; ok {
		attrs["id"] = cty.StringVal(id)
	}
	if !strings.HasPrefix(id, "arn:") && idPrefixes[ts.name] == "" && !idIsUUID[ts.name] {
		ident.name = id
		for _, n := range nameAttrs {
			if a, ok := ts.block.Attributes[n]; ok && a.Type == "string" && !a.ComputedOnly() {
				attrs[n] = cty.StringVal(id)
				break
			}
		}
	}
	ident.key = ts.name + "/" + ident.shortName()
	if a, ok := ts.block.Attributes["arn"]; ok && a.Computed {
		if strings.HasPrefix(id, "arn:") {
			attrs["arn"] = cty.StringVal(id)
		} else {
			attrs["arn"] = cty.StringVal(ident.arn())
		}
	}
	for n, nb := range ts.block.Blocks {
		if nb.Nesting == "list" || nb.Nesting == "set" {
			at := ts.ty.AttributeType(n)
			if at.IsListType() {
				attrs[n] = cty.ListValEmpty(at.ElementType())
			} else if at.IsSetType() {
				attrs[n] = cty.SetValEmpty(at.ElementType())
			}
		}
	}
	return cty.ObjectVal(attrs)
}
