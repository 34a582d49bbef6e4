package awssim

import (
	"regexp"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// An Aurora cluster with an RDS-managed password reports the secret RDS made, as AWS
// does: one master_user_secret with an rds!cluster-… ARN under the given KMS key.
func TestRDSClusterManagedMasterSecret(t *testing.T) {
	p := newProvider(t)
	ts := p.resources.get("aws_rds_cluster")
	kms := "arn:aws:kms:eu-central-1:111111111111:key/0b0b0b0b-0000-4000-a000-000000000000"
	_, applied := planApply(t, p, "aws_rds_cluster", objectOf(t, ts, map[string]cty.Value{
		"cluster_identifier":            cty.StringVal("ai-tools-dev-euc1"),
		"engine":                        cty.StringVal("aurora-postgresql"),
		"manage_master_user_password":   cty.True,
		"master_user_secret_kms_key_id": cty.StringVal(kms),
	}))
	mus := applied.GetAttr("master_user_secret")
	if mus.LengthInt() != 1 {
		t.Fatalf("master_user_secret = %#v, want one element", mus)
	}
	s := mus.Index(cty.NumberIntVal(0))
	if arn := getString(s, "secret_arn"); !regexp.MustCompile(`^arn:aws:secretsmanager:eu-central-1:111111111111:secret:rds!cluster-[0-9a-f-]{36}-[0-9a-f]{6}$`).MatchString(arn) {
		t.Errorf("secret_arn = %q", arn)
	}
	if got := getString(s, "kms_key_id"); got != kms {
		t.Errorf("kms_key_id = %q, want %q", got, kms)
	}
	if got := getString(applied, "cluster_resource_id"); !regexp.MustCompile(`^cluster-[0-9A-F]{26}$`).MatchString(got) {
		t.Errorf("cluster_resource_id = %q", got)
	}

	// Without a managed password there is no secret.
	_, applied = planApply(t, p, "aws_rds_cluster", objectOf(t, ts, map[string]cty.Value{
		"cluster_identifier": cty.StringVal("ai-tools-dev-euc1-b"),
		"engine":             cty.StringVal("aurora-postgresql"),
	}))
	if n := applied.GetAttr("master_user_secret").LengthInt(); n != 0 {
		t.Errorf("master_user_secret has %d element(s) without manage_master_user_password", n)
	}
}

// A gateway endpoint's prefix_list_id is the service's AWS-managed prefix list, the
// same id aws_prefix_list returns; ids of managed prefix lists look like AWS's.
func TestPrefixListIDs(t *testing.T) {
	p := newProvider(t)
	ts := p.resources.get("aws_vpc_endpoint")
	_, applied := planApply(t, p, "aws_vpc_endpoint", objectOf(t, ts, map[string]cty.Value{
		"vpc_id":       cty.StringVal("vpc-0123456789abcdef0"),
		"service_name": cty.StringVal("com.amazonaws.eu-central-1.s3"),
	}))
	got := getString(applied, "prefix_list_id")
	if !regexp.MustCompile(`^pl-[0-9a-f]{8}$`).MatchString(got) {
		t.Fatalf("prefix_list_id = %q, want pl-xxxxxxxx", got)
	}
	if want := prefixListID("eu-central-1", "com.amazonaws.eu-central-1.s3"); got != want {
		t.Errorf("prefix_list_id = %q, want the aws_prefix_list id %q", got, want)
	}

	mts := p.resources.get("aws_ec2_managed_prefix_list")
	_, applied = planApply(t, p, "aws_ec2_managed_prefix_list", objectOf(t, mts, map[string]cty.Value{
		"name":           cty.StringVal("office"),
		"address_family": cty.StringVal("IPv4"),
		"max_entries":    cty.NumberIntVal(5),
	}))
	if id := getString(applied, "id"); !regexp.MustCompile(`^pl-[0-9a-f]{17}$`).MatchString(id) {
		t.Errorf("managed prefix list id = %q, want pl-<17 hex>", id)
	}
}

// A multi-region KMS key's id is mrk- and 32 hex digits (modules/kms validates replicas'
// primary ARNs against it); its replica in another region keeps that id in its own ARN.
func TestMultiRegionKMSKeyIDs(t *testing.T) {
	p := newProvider(t)
	ts := p.resources.get("aws_kms_key")
	_, single := planApply(t, p, "aws_kms_key", objectOf(t, ts, map[string]cty.Value{
		"description": cty.StringVal("logs"),
	}))
	if id := getString(single, "key_id"); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("single-region key_id = %q, want a UUID", id)
	}
	_, multi := planApply(t, p, "aws_kms_key", objectOf(t, ts, map[string]cty.Value{
		"description":  cty.StringVal("aurora"),
		"multi_region": cty.True,
	}))
	id := getString(multi, "key_id")
	if !regexp.MustCompile(`^mrk-[0-9a-f]{32}$`).MatchString(id) {
		t.Fatalf("multi-region key_id = %q, want mrk-<32 hex>", id)
	}
	arn := getString(multi, "arn")
	if want := "arn:aws:kms:eu-central-1:111111111111:key/" + id; arn != want && !regexp.MustCompile(`^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/`+id+`$`).MatchString(arn) {
		t.Errorf("arn = %q, want …:key/%s", arn, id)
	}

	rts := p.resources.get("aws_kms_replica_key")
	_, replica := planApply(t, p, "aws_kms_replica_key", objectOf(t, rts, map[string]cty.Value{
		"primary_key_arn": cty.StringVal(arn),
	}))
	if got := getString(replica, "key_id"); got != id {
		t.Errorf("replica key_id = %q, want the primary's %q", got, id)
	}
	if got := getString(replica, "arn"); !regexp.MustCompile(`^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/` + id + `$`).MatchString(got) {
		t.Errorf("replica arn = %q", got)
	}
}

// aws_kms_key looked up by a bare key id answers with that id in its ARN.
func TestKMSKeyDataByID(t *testing.T) {
	p := newProvider(t)
	for _, keyID := range []string{"0b0b0b0b-0000-4000-a000-000000000000", "mrk-0123456789abcdef0123456789abcdef"} {
		ts := p.data.get("aws_kms_key")
		got, d := p.readData(ts, objectOf(t, ts, map[string]cty.Value{"key_id": cty.StringVal(keyID)}))
		if d != nil {
			t.Fatalf("key %s: %s", keyID, d.Detail)
		}
		if arn := getString(got, "arn"); !strings.HasSuffix(arn, ":key/"+keyID) {
			t.Errorf("key %s: arn = %q, want …:key/%s", keyID, arn, keyID)
		}
		if id := getString(got, "id"); id != keyID {
			t.Errorf("key %s: id = %q", keyID, id)
		}
	}
}
