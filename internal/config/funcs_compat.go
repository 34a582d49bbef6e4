package config

import (
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // uuidv5 is defined on SHA-1
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// compatFunctions adds the functions Terragrunt offers beyond go-cty's library and
// the ones OpenTofu defines differently from go-cty (index).
func compatFunctions(fns map[string]function.Function) {
	fns["index"] = indexFunc
	fns["timecmp"] = timecmpFunc
	// sensitive and nonsensitive mark values for OpenTofu's output redaction; a
	// Terragrunt configuration renders the value itself, so they pass it through.
	fns["sensitive"] = passThroughFunc
	fns["nonsensitive"] = passThroughFunc
	fns["get_default_retryable_errors"] = listFunc(defaultRetryableErrors...)
	fns["uuid"] = uuidFunc
	fns["uuidv5"] = uuidv5Func
}

// indexFunc is OpenTofu's index(list, value): the position of the first element
// equal to value (go-cty's IndexFunc is element access instead).
var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType},
		{Name: "value", Type: cty.DynamicPseudoType},
	},
	Type: function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		list, value := args[0], args[1]
		if !(list.Type().IsListType() || list.Type().IsTupleType()) {
			return cty.NilVal, errors.New("argument must be a list or tuple")
		}
		if !list.IsKnown() || !value.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if list.LengthInt() == 0 {
			return cty.NilVal, errors.New("cannot search an empty list")
		}
		for i, it := 0, list.ElementIterator(); it.Next(); i++ {
			_, v := it.Element()
			eq, err := function.Function(equalFunc).Call([]cty.Value{v, value})
			if err != nil {
				return cty.NilVal, err
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return cty.NumberIntVal(int64(i)), nil
			}
		}
		return cty.NilVal, errors.New("item not found")
	},
})

// equalFunc compares two values the way the == operator does.
var equalFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "a", Type: cty.DynamicPseudoType, AllowNull: true},
		{Name: "b", Type: cty.DynamicPseudoType, AllowNull: true},
	},
	Type: function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0].Equals(args[1]), nil },
})

// timecmpFunc compares two RFC 3339 timestamps: -1, 0 or 1.
var timecmpFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "timestamp_a", Type: cty.String},
		{Name: "timestamp_b", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var ts [2]time.Time
		for i, a := range args {
			t, err := time.Parse(time.RFC3339, a.AsString())
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(i, "not an RFC 3339 timestamp: %q", a.AsString())
			}
			ts[i] = t
		}
		return cty.NumberIntVal(int64(ts[0].Compare(ts[1]))), nil
	},
})

var passThroughFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

// defaultRetryableErrors are the patterns Terragrunt v1.1 retries on by default
// (its documented default retryable_errors).
var defaultRetryableErrors = []string{
	`(?s).*Failed to load state.*tcp.*timeout.*`,
	`(?s).*Failed to load backend.*TLS handshake timeout.*`,
	`(?s).*Creating metric alarm failed.*request to update this alarm is in progress.*`,
	`(?s).*Error installing provider.*TLS handshake timeout.*`,
	`(?s).*Error configuring the backend.*TLS handshake timeout.*`,
	`(?s).*Error installing provider.*tcp.*timeout.*`,
	`(?s).*Error installing provider.*tcp.*connection reset by peer.*`,
	`NoSuchBucket: The specified bucket does not exist`,
	`(?s).*Error creating SSM parameter: TooManyUpdates:.*`,
	`(?s).*app.terraform.io.*: 429 Too Many Requests.*`,
	`(?s).*ssh_exchange_identification.*Connection closed by remote host.*`,
	`(?s).*Client\.Timeout exceeded while awaiting headers.*`,
	`(?s).*Could not download module.*The requested URL returned error: 429.*`,
	`(?s).*net/http: TLS.*handshake timeout.*`,
	`(?s).*could not query provider registry.*context deadline exceeded.*`,
	`(?s).*provider.*TLS handshake timeout.*`,
	`(?s).*provider.*tcp.*timeout.*`,
	`(?s).*provider.*tcp.*connection reset by peer.*`,
	`(?s).*provider.*context deadline exceeded.*`,
	`(?s).*registry.*context deadline exceeded.*`,
	`(?s).*Failed to resolve provider.*timeout.*`,
	`(?s).*Failed to resolve provider.*connection reset by peer.*`,
	`(?s).*Failed to resolve provider.*context deadline exceeded.*`,
	`(?s).*could not connect to registry.*timeout.*`,
	`(?s).*could not connect to registry.*connection reset by peer.*`,
	`(?s).*could not connect to registry.*context deadline exceeded.*`,
	`(?s).*failed to request discovery document.*context deadline exceeded.*`,
	`(?s).*Failed to query available provider packages.*timeout.*`,
	`(?s).*Failed to query available provider packages.*connection reset by peer.*`,
	`(?s).*Failed to query available provider packages.*context deadline exceeded.*`,
}

// uuidFunc is OpenTofu's uuid(): a random version 4 UUID, a new one on every call
// (as in Terragrunt, a value that uses it differs between evaluations).
var uuidFunc = function.New(&function.Spec{
	Type: function.StaticReturnType(cty.String),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return cty.NilVal, fmt.Errorf("uuid: %w", err)
		}
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		return cty.StringVal(formatUUID(b)), nil
	},
})

// uuidNamespaces are the well-known namespaces uuidv5 accepts by name (RFC 4122).
var uuidNamespaces = map[string]string{
	"dns":  "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
	"url":  "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
	"oid":  "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
	"x500": "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
}

// uuidv5Func is OpenTofu's uuidv5(namespace, name): the name-based (SHA-1) UUID of
// name in a namespace given by name (dns, url, oid, x500) or as a UUID.
var uuidv5Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "namespace", Type: cty.String}, {Name: "name", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ns := args[0].AsString()
		if v, ok := uuidNamespaces[ns]; ok {
			ns = v
		}
		raw, err := hex.DecodeString(strings.ReplaceAll(ns, "-", ""))
		if err != nil || len(raw) != 16 {
			return cty.NilVal, function.NewArgErrorf(0, "must be dns, url, oid, x500 or a UUID, not %q", args[0].AsString())
		}
		h := sha1.New() //nolint:gosec // RFC 4122 version 5 is defined on SHA-1
		h.Write(raw)
		h.Write([]byte(args[1].AsString()))
		var b [16]byte
		copy(b[:], h.Sum(nil))
		b[6] = b[6]&0x0f | 0x50
		b[8] = b[8]&0x3f | 0x80
		return cty.StringVal(formatUUID(b)), nil
	},
})

func formatUUID(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
