package state

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/johannesboyne/gofakes3"
)

// bucketGuard makes the store behave like an S3 account in which every bucket a
// request names already exists: before a request reaches gofakes3, the bucket in its
// path is created if missing. Check and create happen under one lock, so of any number
// of first requests racing on a new bucket (tofu init's ListObjectsV2 in one unit, a
// GetObject or a lockfile PUT in another) none sees it missing.
type bucketGuard struct {
	backend gofakes3.Backend
	next    http.Handler

	mu    sync.Mutex
	known map[string]bool // buckets seen to exist; cleared by a bucket DELETE
}

func ensureBuckets(backend gofakes3.Backend, next http.Handler) http.Handler {
	return &bucketGuard{backend: backend, next: next, known: map[string]bool{}}
}

func (g *bucketGuard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bucket, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	bucketOnly := rest == "" && len(r.URL.Query()) == 0
	switch {
	case bucket == "":
		// ListBuckets: nothing to create.
	case bucketOnly && r.Method == http.MethodPut:
		// CreateBucket itself: let gofakes3 answer it (BucketAlreadyExists when it does).
	case bucketOnly && r.Method == http.MethodDelete:
		// DeleteBucket: forget it, then let gofakes3 delete it (or refuse: not empty).
		g.mu.Lock()
		delete(g.known, bucket)
		g.mu.Unlock()
	default:
		if err := g.ensure(bucket); err != nil {
			http.Error(w, "state store: "+err.Error(), http.StatusInternalServerError)
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// ensure creates bucket unless it exists. An invalid name is left to gofakes3, which
// answers as S3 does; the error is the backend's.
func (g *bucketGuard) ensure(bucket string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.known[bucket] || gofakes3.ValidateBucketName(bucket) != nil {
		return nil
	}
	exists, err := g.backend.BucketExists(bucket)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", bucket, err)
	}
	if !exists {
		if err := g.backend.CreateBucket(bucket); err != nil && !gofakes3.IsAlreadyExists(err) {
			return fmt.Errorf("creating bucket %s: %w", bucket, err)
		}
	}
	g.known[bucket] = true
	return nil
}
