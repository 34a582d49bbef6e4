package awssim

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// customizeApply sets, before the generic fill, the computed values whose shape AWS
// derives from the configuration: values the generic fill would get wrong (an empty
// list where AWS returns one element, an id that must equal another resource's).
func customizeApply(ts *typeSchema, planned cty.Value, id ident) cty.Value {
	if planned.IsNull() || !planned.IsKnown() {
		return planned
	}
	switch ts.name {
	case "aws_rds_cluster":
		// manage_master_user_password: RDS creates a secret rds!cluster-<uuid> and
		// reports it in master_user_secret.
		if !isTrue(getAttr(planned, "manage_master_user_password")) {
			return planned
		}
		mus := planned.GetAttr("master_user_secret")
		if mus.IsKnown() || !mus.Type().IsListType() || !mus.Type().ElementType().IsObjectType() {
			return planned
		}
		et := mus.Type().ElementType()
		kms := getString(planned, "master_user_secret_kms_key_id")
		if kms == "" {
			kms = fmt.Sprintf("arn:aws:kms:%s:%s:alias/aws/secretsmanager", id.region, id.account)
		}
		vals := map[string]cty.Value{}
		for n, at := range et.AttributeTypes() {
			switch n {
			case "kms_key_id":
				vals[n] = cty.StringVal(kms)
			case "secret_arn":
				vals[n] = cty.StringVal(fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!cluster-%s-%s",
					id.region, id.account, uuidOf(id.region, id.account, id.key, "master-secret"), id.hex(6, "secret-suffix")))
			case "secret_status":
				vals[n] = cty.StringVal("active")
			default:
				vals[n] = id.generate(ts, n, at)
			}
		}
		return setAttr(planned, "master_user_secret", cty.ListVal([]cty.Value{cty.ObjectVal(vals)}))
	case "aws_vpc_endpoint":
		// A gateway endpoint's prefix list is its service's AWS-managed one, the id the
		// aws_prefix_list data source returns for the same service name.
		pl := planned.GetAttr("prefix_list_id")
		if pl.IsKnown() {
			return planned
		}
		typ := getString(planned, "vpc_endpoint_type")
		if typ != "" && !strings.EqualFold(typ, "Gateway") {
			return setAttr(planned, "prefix_list_id", cty.StringVal("")) // as the real provider stores it
		}
		if svc := getString(planned, "service_name"); svc != "" {
			return setAttr(planned, "prefix_list_id", cty.StringVal(prefixListID(id.region, svc)))
		}
	}
	return planned
}

func isTrue(v cty.Value) bool {
	return !v.IsNull() && v.IsKnown() && v.Type() == cty.Bool && v.True()
}
