package state

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// client is an S3 client signing with s's credentials.
func client(s *Server) *s3.Client {
	return clientWith(s.URL(), s.Credentials())
}

func clientWith(url string, c Credentials) *s3.Client {
	return s3.New(s3.Options{
		Region:       "eu-central-1",
		BaseEndpoint: aws.String(url),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, ""),
	})
}

func put(ctx context.Context, c *s3.Client, key, body string, ifNoneMatch bool) error {
	in := &s3.PutObjectInput{Bucket: aws.String("tf-state"), Key: aws.String(key), Body: bytes.NewReader([]byte(body))}
	if ifNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	_, err := c.PutObject(ctx, in)
	return err
}

func get(ctx context.Context, t *testing.T, c *s3.Client, key string) string {
	t.Helper()
	return getFrom(ctx, t, c, "tf-state", key)
}

func getFrom(ctx context.Context, t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	return string(b)
}

func TestServerPersistsAndLocks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Serve(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("URL = %s", s.URL())
	}
	c := client(s)
	// The bucket does not exist: it is created on first use.
	if err := put(ctx, c, "dev/vpc/terraform.tfstate", `{"serial": 1}`, false); err != nil {
		t.Fatal(err)
	}
	// A lockfile is created only when absent: the second writer gets 412.
	if err := put(ctx, c, "dev/vpc/terraform.tfstate.tflock", `{"ID":"a"}`, true); err != nil {
		t.Fatal(err)
	}
	err = put(ctx, c, "dev/vpc/terraform.tfstate.tflock", `{"ID":"b"}`, true)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "PreconditionFailed" {
		t.Fatalf("second lock: %v, want PreconditionFailed", err)
	}
	if got := get(ctx, t, c, "dev/vpc/terraform.tfstate.tflock"); got != `{"ID":"a"}` {
		t.Errorf("lock holder overwritten: %s", got)
	}

	// A second server on the same folder is refused while the first runs.
	if _, err := Serve(ctx, Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second server on the same folder: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Restarted on the same folder, the objects are still there.
	s2, err := Serve(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	c2 := client(s2)
	if got := get(ctx, t, c2, "dev/vpc/terraform.tfstate"); got != `{"serial": 1}` {
		t.Errorf("after restart: %s", got)
	}
	if _, err := c2.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("tf-state"), Key: aws.String("dev/vpc/terraform.tfstate.tflock")}); err != nil {
		t.Fatal(err)
	}
	if err := put(ctx, c2, "dev/vpc/terraform.tfstate.tflock", `{"ID":"c"}`, true); err != nil {
		t.Errorf("lock after unlock: %v", err)
	}
}

func TestServerInMemoryStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Serve(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := put(ctx, client(s), "k", "v", false); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-s.Done()
	if err := s.Close(); err != nil {
		t.Errorf("Close after the context ended: %v", err)
	}
}

func TestServerBadAddr(t *testing.T) {
	if _, err := Serve(context.Background(), Options{Addr: "256.0.0.1:1", Dir: t.TempDir()}); err == nil {
		t.Error("bad address accepted")
	}
}
