package bootstrap

import (
	"errors"
	"fmt"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// errorCode returns the API error code of err ("" when it is not an API error).
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// hasCode says whether err is an API error with one of codes.
func hasCode(err error, codes ...string) bool {
	c := errorCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// unsupported says whether err means the server does not implement the operation, as
// S3- and DynamoDB-compatible test servers answer: gofakes3 says MethodNotAllowed or
// NotImplemented, dynalite UnknownOperationException, others 501.
func unsupported(err error) (string, bool) {
	code := errorCode(err)
	switch code {
	case "NotImplemented", "MethodNotAllowed", "UnknownOperationException", "UnsupportedOperation",
		"InvalidAction", "UnknownOperation":
		return code, true
	}
	if st := httpStatus(err); st == http.StatusNotImplemented || st == http.StatusMethodNotAllowed {
		if code == "" {
			code = fmt.Sprintf("HTTP %d", st)
		}
		return code, true
	}
	return "", false
}

// unsupportedBucketSubresource is unsupported plus the answer of a server that does not
// know a bucket sub-resource (?encryption, ?policy...): it routes the PUT to CreateBucket
// and says the bucket already exists (gofakes3 does this).
func unsupportedBucketSubresource(err error) (string, bool) {
	if code, ok := unsupported(err); ok {
		return code, true
	}
	if hasCode(err, "BucketAlreadyExists", "BucketAlreadyOwnedByYou") {
		return errorCode(err) + " for a sub-resource request: the server treats it as CreateBucket", true
	}
	return "", false
}

// errText is an error's message for the report: the API code and message, without the
// SDK's request ids and operation wrappers when there is an API error.
func errText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg := ae.ErrorMessage()
		if msg == "" {
			return ae.ErrorCode()
		}
		return ae.ErrorCode() + ": " + msg
	}
	return err.Error()
}
