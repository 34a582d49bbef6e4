package awssim

import (
	"fmt"
	"hash/crc32"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// zones are the real availability zone names of the regions the simulator knows; other
// regions get a, b, c.
var zones = map[string][]string{
	"us-east-1":      {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"},
	"us-east-2":      {"us-east-2a", "us-east-2b", "us-east-2c"},
	"us-west-1":      {"us-west-1a", "us-west-1c"},
	"us-west-2":      {"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"},
	"eu-central-1":   {"eu-central-1a", "eu-central-1b", "eu-central-1c"},
	"eu-central-2":   {"eu-central-2a", "eu-central-2b", "eu-central-2c"},
	"eu-west-1":      {"eu-west-1a", "eu-west-1b", "eu-west-1c"},
	"eu-west-2":      {"eu-west-2a", "eu-west-2b", "eu-west-2c"},
	"eu-west-3":      {"eu-west-3a", "eu-west-3b", "eu-west-3c"},
	"eu-north-1":     {"eu-north-1a", "eu-north-1b", "eu-north-1c"},
	"eu-south-1":     {"eu-south-1a", "eu-south-1b", "eu-south-1c"},
	"ap-southeast-1": {"ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"},
	"ap-southeast-2": {"ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"},
	"ap-northeast-1": {"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
	"ap-northeast-2": {"ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"},
	"ap-south-1":     {"ap-south-1a", "ap-south-1b", "ap-south-1c"},
	"ca-central-1":   {"ca-central-1a", "ca-central-1b", "ca-central-1d"},
	"sa-east-1":      {"sa-east-1a", "sa-east-1b", "sa-east-1c"},
}

// zoneIDs are the zone ids (account-independent names) of the zones above, where known.
var zoneIDPrefix = map[string]string{
	"us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2",
	"eu-central-1": "euc1", "eu-central-2": "euc2", "eu-west-1": "euw1", "eu-west-2": "euw2", "eu-west-3": "euw3",
	"eu-north-1": "eun1", "eu-south-1": "eus1", "ap-southeast-1": "apse1", "ap-southeast-2": "apse2",
	"ap-northeast-1": "apne1", "ap-northeast-2": "apne2", "ap-south-1": "aps1", "ca-central-1": "cac1", "sa-east-1": "sae1",
}

// elbAccounts are the AWS accounts of Elastic Load Balancing per region, the ones a
// bucket policy for ALB access logs must allow (AWS documentation, "Enable access logs
// for your Application Load Balancer").
var elbAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ca-central-1": "985666609251", "eu-central-1": "054676820928",
	"eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-south-1": "635631232127", "eu-west-3": "009996457667",
	"eu-north-1": "897822967062", "ap-east-1": "754344448648", "ap-northeast-1": "582318560864",
	"ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266", "ap-south-1": "718504428378", "me-south-1": "076674570225",
	"sa-east-1": "507241528517", "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
	"cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
}

// regionNames are the descriptions aws_region returns.
var regionNames = map[string]string{
	"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)",
	"us-west-2": "US West (Oregon)", "eu-central-1": "Europe (Frankfurt)", "eu-west-1": "Europe (Ireland)",
	"eu-west-2": "Europe (London)", "eu-west-3": "Europe (Paris)", "eu-north-1": "Europe (Stockholm)",
	"ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
	"ap-northeast-1": "Asia Pacific (Tokyo)", "ap-south-1": "Asia Pacific (Mumbai)", "ca-central-1": "Canada (Central)",
	"sa-east-1": "South America (Sao Paulo)",
}

// partitionOf returns the partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func dnsSuffix(partition string) string {
	if partition == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// prefixLists are the AWS-managed prefix list ids of the gateway endpoints' services
// (the ids differ per region; these are stable simulated ones in AWS's format).
func prefixListID(region, name string) string {
	return "pl-" + digest(8, region, name)
}

// readData reads a data source: real semantics for the ones modules depend on (see
// dataReaders), else a deterministic fallback (the configuration, with computed
// attributes generated).
func (p *Provider) readData(ts *typeSchema, cfg cty.Value) (cty.Value, *tfprotov5.Diagnostic) {
	c := p.config()
	d := dataRead{cfg: cfg, region: c.region, account: c.account}
	if r := getString(cfg, "region"); r != "" {
		d.region = r
	}
	d.part = partitionOf(d.region)
	set := map[string]cty.Value{}
	if read, ok := dataReaders[ts.name]; ok {
		var diag *tfprotov5.Diagnostic
		if set, diag = read(d); diag != nil {
			return cty.NilVal, diag
		}
	}
	out := p.fill(ts, ts.block, planBlock(ts.block, cfg, cty.NullVal(ts.ty)), p.identity(ts.name, cfg))
	for n, v := range set {
		if !ts.ty.HasAttribute(n) {
			continue
		}
		at := ts.ty.AttributeType(n)
		if !v.Type().Equals(at) {
			cv, err := convert.Convert(v, at)
			if err != nil {
				continue
			}
			v = cv
		}
		out = setAttr(out, n, v)
	}
	return out, nil
}

// dataRead is what a data source reader works from: the configuration, the region it
// reads in (the configuration's or the provider's), that region's partition and the
// provider's account.
type dataRead struct {
	cfg                   cty.Value
	region, part, account string
}

// dataReaders compute the attributes of the data sources modules depend on, by type;
// readData sets them over the generated fallback (those the schema has, converted to
// its types).
var dataReaders = map[string]func(dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic){
	"aws_iam_policy_document":            readPolicyDocument,
	"aws_partition":                      readPartition,
	"aws_region":                         readRegion,
	"aws_caller_identity":                readCallerIdentity,
	"aws_availability_zones":             readAvailabilityZones,
	"aws_elb_service_account":            readELBServiceAccount,
	"aws_prefix_list":                    readPrefixList,
	"aws_kms_key":                        readKMSKey,
	"aws_secretsmanager_random_password": readRandomPassword,
	"aws_secretsmanager_secret_version":  readSecretVersion,
	"aws_secretsmanager_secret":          readSecret,
}

func readPolicyDocument(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	doc, err := policyDocument(d.cfg)
	if err != nil {
		return nil, errDiag("aws_iam_policy_document: %v", err)
	}
	return map[string]cty.Value{
		"json":          cty.StringVal(doc.indented),
		"minified_json": cty.StringVal(doc.minified),
		"id":            cty.StringVal(fmt.Sprint(hashcode(doc.indented))),
	}, nil
}

func readPartition(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	return map[string]cty.Value{
		"partition":          cty.StringVal(d.part),
		"id":                 cty.StringVal(d.part),
		"dns_suffix":         cty.StringVal(dnsSuffix(d.part)),
		"reverse_dns_prefix": cty.StringVal("com.amazonaws"),
	}, nil
}

func readRegion(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	return map[string]cty.Value{
		"name":        cty.StringVal(d.region),
		"region":      cty.StringVal(d.region),
		"id":          cty.StringVal(d.region),
		"endpoint":    cty.StringVal("ec2." + d.region + "." + dnsSuffix(d.part)),
		"description": cty.StringVal(regionNames[d.region]),
	}, nil
}

func readCallerIdentity(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	return map[string]cty.Value{
		"account_id": cty.StringVal(d.account),
		"id":         cty.StringVal(d.account),
		"arn":        cty.StringVal(fmt.Sprintf("arn:%s:sts::%s:assumed-role/olechka-simulated/olechka", d.part, d.account)),
		"user_id":    cty.StringVal("AROASIMULATED" + strings.ToUpper(digest(8, d.account)) + ":olechka"),
	}, nil
}

// readAvailabilityZones lists the region's zones (a, b, c where it is not known)
// without those excluded by name or zone id.
func readAvailabilityZones(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	region, cfg := d.region, d.cfg
	names := zones[region]
	if names == nil {
		names = []string{region + "a", region + "b", region + "c"}
	}
	excl := map[string]bool{}
	for _, n := range getStrings(cfg, "exclude_names") {
		excl[n] = true
	}
	var ns, ids []cty.Value
	for k, n := range names {
		zid := zoneIDPrefix[region] + fmt.Sprintf("-az%d", k+1)
		if excl[n] {
			continue
		}
		for _, x := range getStrings(cfg, "exclude_zone_ids") {
			if x == zid {
				excl[n] = true
			}
		}
		if excl[n] {
			continue
		}
		ns = append(ns, cty.StringVal(n))
		ids = append(ids, cty.StringVal(zid))
	}
	return map[string]cty.Value{
		"names":       listOrEmpty(ns),
		"zone_ids":    listOrEmpty(ids),
		"group_names": cty.SetVal([]cty.Value{cty.StringVal(region)}),
		"id":          cty.StringVal(region),
	}, nil
}

func readELBServiceAccount(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	acct, ok := elbAccounts[d.region]
	if !ok {
		return nil, errDiag("aws_elb_service_account: unknown region %q (the real provider errors the same way)", d.region)
	}
	return map[string]cty.Value{
		"id":  cty.StringVal(acct),
		"arn": cty.StringVal(fmt.Sprintf("arn:%s:iam::%s:root", d.part, acct)),
	}, nil
}

// readPrefixList answers for the S3 gateway endpoint's prefix list unless the
// configuration names another (DynamoDB's has its own CIDR).
func readPrefixList(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	name := getString(d.cfg, "name")
	if name == "" {
		name = "com.amazonaws." + d.region + ".s3"
	}
	id := getString(d.cfg, "prefix_list_id")
	if id == "" {
		id = prefixListID(d.region, name)
	}
	cidr := "52.216.0.0/15"
	if strings.HasSuffix(name, ".dynamodb") {
		cidr = "52.94.0.0/22"
	}
	return map[string]cty.Value{
		"id":             cty.StringVal(id),
		"name":           cty.StringVal(name),
		"prefix_list_id": cty.StringVal(id),
		"cidr_blocks":    cty.ListVal([]cty.Value{cty.StringVal(cidr)}),
	}, nil
}

// readKMSKey answers for an enabled customer-managed symmetric key, looked up by ARN,
// alias or bare key id (which then is its ARN's key part).
func readKMSKey(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	keyID := getString(d.cfg, "key_id")
	id := ident{typ: "aws_kms_key", region: d.region, account: d.account, key: "aws_kms_key/" + keyID}
	arn := keyID
	if !strings.HasPrefix(keyID, "arn:") {
		if !strings.HasPrefix(keyID, "alias/") {
			id.keyID = keyID // a bare key id (UUID or mrk-…) is the ARN's key part
		}
		arn = id.arn()
	}
	return map[string]cty.Value{
		"arn":                      cty.StringVal(arn),
		"id":                       cty.StringVal(arn[strings.LastIndex(arn, "/")+1:]),
		"key_state":                cty.StringVal("Enabled"),
		"enabled":                  cty.True,
		"key_usage":                cty.StringVal("ENCRYPT_DECRYPT"),
		"key_spec":                 cty.StringVal("SYMMETRIC_DEFAULT"),
		"customer_master_key_spec": cty.StringVal("SYMMETRIC_DEFAULT"),
		"key_manager":              cty.StringVal("CUSTOMER"),
		"origin":                   cty.StringVal("AWS_KMS"),
		"aws_account_id":           cty.StringVal(d.account),
	}, nil
}

// readRandomPassword is a deterministic password of password_length (32 unless set).
func readRandomPassword(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	n := 32
	if l := getAttr(d.cfg, "password_length"); !l.IsNull() && l.IsKnown() && l.Type() == cty.Number {
		v, _ := l.AsBigFloat().Int64()
		n = int(v)
	}
	return map[string]cty.Value{
		"random_password": cty.StringVal(simPassword(n, knownDigest(d.cfg))),
		"id":              cty.StringVal("sim"),
	}, nil
}

// readSecretVersion answers with the current version of the secret, holding a
// deterministic password.
func readSecretVersion(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	sid := getString(d.cfg, "secret_id")
	return map[string]cty.Value{
		"arn":            cty.StringVal(sid),
		"id":             cty.StringVal(sid + "|AWSCURRENT"),
		"version_id":     cty.StringVal(uuidOf(sid, "version")),
		"secret_string":  cty.StringVal(fmt.Sprintf(`{"password":"%s"}`, simPassword(24, sid))),
		"version_stages": cty.SetVal([]cty.Value{cty.StringVal("AWSCURRENT")}),
	}, nil
}

func readSecret(d dataRead) (map[string]cty.Value, *tfprotov5.Diagnostic) {
	name := getString(d.cfg, "name")
	arn := getString(d.cfg, "arn")
	id := ident{typ: "aws_secretsmanager_secret", region: d.region, account: d.account, name: name, key: "aws_secretsmanager_secret/" + name}
	if arn == "" {
		arn = id.arn()
	}
	return map[string]cty.Value{
		"arn": cty.StringVal(arn),
		"id":  cty.StringVal(arn),
	}, nil
}

func listOrEmpty(vs []cty.Value) cty.Value {
	if len(vs) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	return cty.ListVal(vs)
}

// simPassword is a deterministic password of n characters (never a real secret).
func simPassword(n int, seed string) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		d := digest(64, seed, fmt.Sprint(i))
		for k := 0; k+1 < len(d) && b.Len() < n; k += 2 {
			var x int
			fmt.Sscanf(d[k:k+2], "%02x", &x)
			b.WriteByte(alphabet[x%len(alphabet)])
		}
	}
	return b.String()
}

// hashcode is the provider's id of a policy document (a CRC32 of its JSON, as
// create.StringHashcode computes it).
func hashcode(s string) int {
	return int(crc32.ChecksumIEEE([]byte(s)))
}
