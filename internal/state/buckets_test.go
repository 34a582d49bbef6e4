package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// firstRequests are the kinds of request that can be the first to name a new bucket:
// what tofu init (ListObjectsV2 for workspaces, GetObject for the state), a plan (a
// lockfile PUT with If-None-Match) and an apply (PutObject, DeleteObject) send. Each
// returns the S3 error code it got, "" for none.
var firstRequests = map[string]func(ctx context.Context, c *s3.Client, bucket string) error{
	"ListObjectsV2": func(ctx context.Context, c *s3.Client, b string) error {
		_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), Prefix: aws.String("env:/")})
		return err
	},
	"GetObject": func(ctx context.Context, c *s3.Client, b string) error {
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("dev/vpc/terraform.tfstate")})
		return err
	},
	"PutObject": func(ctx context.Context, c *s3.Client, b string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("dev/app/terraform.tfstate"), Body: bytes.NewReader([]byte("{}"))})
		return err
	},
	"PutObject If-None-Match": func(ctx context.Context, c *s3.Client, b string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("dev/db/terraform.tfstate.tflock"),
			Body: bytes.NewReader([]byte(`{"ID":"x"}`)), IfNoneMatch: aws.String("*")})
		return err
	},
	"DeleteObject": func(ctx context.Context, c *s3.Client, b string) error {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("dev/old/terraform.tfstate.tflock")})
		return err
	},
	"HeadBucket": func(ctx context.Context, c *s3.Client, b string) error {
		_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)})
		return err
	},
	"GetBucketVersioning": func(ctx context.Context, c *s3.Client, b string) error {
		_, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
		return err
	},
}

// TestBucketRaceFirstRequests replays the race of issue 11: several clients send their
// first request for a bucket that does not exist yet, at the same moment. Each must be
// answered as if the bucket had always existed: no NoSuchBucket, no 404 from a list.
func TestBucketRaceFirstRequests(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		name := "memory"
		if dir != "" {
			name = "bbolt"
		}
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s, err := Serve(ctx, Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			const rounds, copies = 12, 3
			for round := range rounds {
				bucket := fmt.Sprintf("terraform-state-race-%d", round)
				var wg sync.WaitGroup
				start := make(chan struct{})
				var mu sync.Mutex
				var failures []string
				locks := 0 // lockfile PUTs that won: exactly one may
				for op, send := range firstRequests {
					for i := range copies {
						c := client(s) // one client per unit, as separate tofu processes
						wg.Add(1)
						go func() {
							defer wg.Done()
							<-start
							err := send(ctx, c, bucket)
							mu.Lock()
							defer mu.Unlock()
							switch {
							case op == "PutObject If-None-Match" && err == nil:
								locks++
							case op == "PutObject If-None-Match" && hasCode(err, "PreconditionFailed"):
							case op == "GetObject" && hasCode(err, "NoSuchKey"):
							case err != nil:
								failures = append(failures, fmt.Sprintf("%s #%d: %v", op, i, err))
							}
						}()
					}
				}
				close(start)
				wg.Wait()
				if len(failures) > 0 {
					t.Fatalf("round %d, first requests on a new bucket failed:\n%v", round, failures)
				}
				if locks != 1 {
					t.Fatalf("round %d: %d of %d racing lockfile PUTs won, want 1", round, locks, copies)
				}
			}
			// Every bucket exists exactly once.
			out, err := client(s).ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Buckets) != rounds {
				t.Errorf("%d buckets listed, want %d", len(out.Buckets), rounds)
			}
		})
	}
}

// TestBucketCreateAndDelete keeps S3's answers to the bucket calls themselves.
func TestBucketCreateAndDelete(t *testing.T) {
	ctx := t.Context()
	s, err := Serve(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := client(s)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("made-by-hand")}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("made-by-hand")}); !hasCode(err, "BucketAlreadyExists") {
		t.Errorf("second CreateBucket: %v, want BucketAlreadyExists", err)
	}
	if err := put(ctx, c, "k", "v", false); err != nil { // bucket tf-state, created by the PUT
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("tf-state")}); !hasCode(err, "BucketNotEmpty") {
		t.Errorf("DeleteBucket of a bucket with objects: %v, want BucketNotEmpty", err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("made-by-hand")}); err != nil {
		t.Errorf("DeleteBucket: %v", err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("made-by-hand")}); !hasCode(err, "NoSuchBucket") {
		t.Errorf("DeleteBucket of a deleted bucket: %v, want NoSuchBucket", err)
	}
	// Named again after its deletion, the bucket comes back empty.
	if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("made-by-hand")}); err != nil {
		t.Errorf("list after delete: %v", err)
	}
	// A name S3 refuses is not created.
	if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("No_Such")}); err == nil {
		t.Error("an invalid bucket name was listed")
	}
}

func hasCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
