package bootstrap

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Sids of the statements bootstrap adds to bucket policies.
const (
	sidDenyInsecureTransport = "DenyInsecureTransport"
	sidAllowAccessLogs       = "AllowS3ServerAccessLogs"
)

type policyDoc struct {
	Version   string           `json:"Version"`
	ID        string           `json:"Id,omitempty"`
	Statement []map[string]any `json:"Statement"`
}

func bucketARN(partition, bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", partition, bucket)
}

// denyInsecureTransport refuses every request to the bucket that does not use TLS.
func denyInsecureTransport(partition, bucket string) map[string]any {
	arn := bucketARN(partition, bucket)
	return map[string]any{
		"Sid":       sidDenyInsecureTransport,
		"Effect":    "Deny",
		"Principal": "*",
		"Action":    "s3:*",
		"Resource":  []any{arn, arn + "/*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
}

// allowAccessLogs lets the S3 logging service write the state bucket's access logs.
func allowAccessLogs(partition, logBucket, sourceBucket, accountID string) map[string]any {
	return map[string]any{
		"Sid":       sidAllowAccessLogs,
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "logging.s3.amazonaws.com"},
		"Action":    "s3:PutObject",
		"Resource":  bucketARN(partition, logBucket) + "/*",
		"Condition": map[string]any{
			"ArnLike":      map[string]any{"aws:SourceArn": bucketARN(partition, sourceBucket)},
			"StringEquals": map[string]any{"aws:SourceAccount": accountID},
		},
	}
}

// parsePolicy reads a bucket policy; "" is an empty policy.
func parsePolicy(s string) (*policyDoc, error) {
	if strings.TrimSpace(s) == "" {
		return &policyDoc{Version: "2012-10-17"}, nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("the bucket policy is not JSON: %w", err)
	}
	doc := &policyDoc{Version: "2012-10-17"}
	if v, ok := raw["Version"].(string); ok {
		doc.Version = v
	}
	if v, ok := raw["Id"].(string); ok {
		doc.ID = v
	}
	switch st := raw["Statement"].(type) {
	case nil:
	case map[string]any:
		doc.Statement = []map[string]any{st}
	case []any:
		for i, e := range st {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("the bucket policy's statement %d is not an object", i)
			}
			doc.Statement = append(doc.Statement, m)
		}
	default:
		return nil, fmt.Errorf("the bucket policy's Statement is neither an object nor a list")
	}
	return doc, nil
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case bool:
		return []string{fmt.Sprint(t)}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}

func containsFold(list []string, want ...string) bool {
	for _, s := range list {
		for _, w := range want {
			if strings.EqualFold(s, w) {
				return true
			}
		}
	}
	return false
}

// isTLSDeny says whether a statement denies every S3 action over plain HTTP.
func isTLSDeny(st map[string]any) bool {
	if e, _ := st["Effect"].(string); e != "Deny" {
		return false
	}
	if !containsFold(strs(st["Action"]), "s3:*", "*") {
		return false
	}
	cond, _ := st["Condition"].(map[string]any)
	b, _ := cond["Bool"].(map[string]any)
	for k, v := range b {
		if strings.EqualFold(k, "aws:SecureTransport") && containsFold(strs(v), "false") {
			return true
		}
	}
	return false
}

// isLogDeliveryAllow says whether a statement lets the S3 logging service put objects.
func isLogDeliveryAllow(st map[string]any) bool {
	if e, _ := st["Effect"].(string); e != "Allow" {
		return false
	}
	p, _ := st["Principal"].(map[string]any)
	if !containsFold(strs(p["Service"]), "logging.s3.amazonaws.com") {
		return false
	}
	return containsFold(strs(st["Action"]), "s3:PutObject", "s3:*", "*")
}

// policyMissing returns which wanted statements a policy lacks, by what they do (a
// statement written by hand with another Sid counts).
func policyMissing(doc *policyDoc, want []map[string]any) []map[string]any {
	var missing []map[string]any
	for _, w := range want {
		found := false
		for _, st := range doc.Statement {
			switch w["Sid"] {
			case sidDenyInsecureTransport:
				found = found || isTLSDeny(st)
			case sidAllowAccessLogs:
				found = found || isLogDeliveryAllow(st)
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	return missing
}

// mergePolicy adds the missing statements to a policy, keeping every statement it has
// (one with the same Sid as an added statement is replaced).
func mergePolicy(doc *policyDoc, add []map[string]any) (string, error) {
	out := policyDoc{Version: doc.Version, ID: doc.ID}
	if out.Version == "" {
		out.Version = "2012-10-17"
	}
	adding := map[any]bool{}
	for _, a := range add {
		adding[a["Sid"]] = true
	}
	for _, st := range doc.Statement {
		if sid, ok := st["Sid"]; ok && adding[sid] {
			continue
		}
		out.Statement = append(out.Statement, st)
	}
	out.Statement = append(out.Statement, add...)
	b, err := json.Marshal(out)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func sids(sts []map[string]any) string {
	var out []string
	for _, s := range sts {
		out = append(out, fmt.Sprint(s["Sid"]))
	}
	return strings.Join(out, ", ")
}
