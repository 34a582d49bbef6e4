// Package state serves an S3-compatible store on loopback for local runs: OpenTofu's s3
// backend keeps state in it and locks with a lockfile (use_lockfile = true), which works
// because the store honours If-None-Match on PUT. A bucket is created, atomically, by
// the first request that names it, whatever the request (see ensureBuckets).
// With a folder, objects persist in a single bbolt file there (crash-safe writes); without
// one they live in memory.
//
// The store trusts no one it has not given its credentials to: every request must be
// signed (AWS Signature Version 4) with the store's key pair, random per run unless
// given; requests from web browsers are refused and answers carry no CORS headers; it
// listens on loopback unless AllowRemote is set together with explicit credentials.
// See docs/state.md and docs/security.md.
package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DBFile is the file holding the objects inside Options.Dir.
const DBFile = "state.db"

// Options configures Serve.
type Options struct {
	// Dir holds the store (DBFile); it is created if missing. Empty: in memory.
	Dir string
	// Addr is the listen address; empty means 127.0.0.1 on a free port.
	Addr string
	// Log receives one line per request when not nil (never a credential).
	Log io.Writer
	// Credentials every request must be signed with. Zero: a random pair for this
	// server (read it back with Server.Credentials).
	Credentials Credentials
	// AllowRemote lets Addr be a non-loopback address; it needs Credentials with a
	// secret of at least 32 characters.
	AllowRemote bool
}

// Server is a running store.
type Server struct {
	creds Credentials
	url   string
	srv   *http.Server
	ln    net.Listener
	db    *bolt.DB
	done  chan struct{}
	once  sync.Once
	cerr  error
	serve error
}

// Serve starts the store. It stops when ctx ends or Close is called.
func Serve(ctx context.Context, opts Options) (*Server, error) {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	loopback, err := checkAddr(addr, opts)
	if err != nil {
		return nil, err
	}
	creds, err := storeCredentials(opts.Credentials)
	if err != nil {
		return nil, err
	}
	backend, db, err := openBackend(opts.Dir)
	if err != nil {
		return nil, err
	}
	// gofakes3's own WithAutoBucket checks and creates in two steps: of two first
	// requests racing on a new bucket, the loser's create fails and it answers
	// NoSuchBucket (issue 11). ensureBuckets creates under a lock instead.
	fopts := []gofakes3.Option{
		gofakes3.WithAutoBucket(false),
		gofakes3.WithLogger(quietLogger{w: opts.Log}),
	}
	handler := &guard{
		next:         ensureBuckets(backend, gofakes3.New(backend, fopts...).Server()),
		verify:       &verifier{creds: creds, now: time.Now},
		loopbackOnly: loopback,
		log:          opts.Log,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if db != nil {
			db.Close()
		}
		return nil, fmt.Errorf("state server listen on %s: %w", addr, err)
	}
	s := &Server{
		creds: creds,
		url:   "http://" + ln.Addr().String(),
		ln:    ln,
		db:    db,
		done:  make(chan struct{}),
		srv: &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          log.New(io.Discard, "", 0),
		},
	}
	s.start(ctx)
	return s, nil
}

// storeCredentials returns the credentials given, or new random ones when none are;
// half a pair is an error.
func storeCredentials(given Credentials) (Credentials, error) {
	if given.IsZero() {
		return NewCredentials()
	}
	if given.AccessKeyID == "" || given.SecretAccessKey == "" {
		return Credentials{}, errors.New("state store credentials need both an access key id and a secret")
	}
	return given, nil
}

// openBackend opens the bolt database in dir (created 0700), which one server at a
// time may hold, or an in-memory backend when dir is empty (db is then nil).
func openBackend(dir string) (gofakes3.Backend, *bolt.DB, error) {
	if dir == "" {
		return s3mem.New(), nil, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("state store folder: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, nil, fmt.Errorf("%s is in use by another olechka state server (only one may serve a folder)", path)
		}
		return nil, nil, fmt.Errorf("opening state store %s: %w", path, err)
	}
	return s3bolt.New(db), db, nil
}

// start serves on s.ln in the background, and closes the server when ctx ends.
func (s *Server) start(ctx context.Context) {
	go func() {
		err := s.srv.Serve(s.ln)
		if !errors.Is(err, http.ErrServerClosed) {
			s.serve = err
		}
		close(s.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
}

// URL is the endpoint for OpenTofu's s3 backend (endpoints.s3), e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// Credentials are the key pair requests must be signed with.
func (s *Server) Credentials() Credentials { return s.creds }

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Done is closed when the server has stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops the server, letting requests in flight finish for up to 5 seconds, and
// closes the store.
func (s *Server) Close() error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		<-s.done
		if s.db != nil {
			err = errors.Join(err, s.db.Close())
		}
		s.cerr = errors.Join(err, s.serve)
	})
	return s.cerr
}

// checkAddr refuses a non-loopback listen address unless opts allow it, and says
// whether addr is loopback. A host name other than localhost counts as remote.
func checkAddr(addr string, opts Options) (loopback bool, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("state store address %q: %w", addr, err)
	}
	if isLoopbackHost(host) {
		return true, nil
	}
	if !opts.AllowRemote {
		return false, fmt.Errorf("state store address %q is not a loopback address: the store serves other machines only with --allow-remote and its own secret (%s)", addr, EnvSecretKey)
	}
	if len(opts.Credentials.SecretAccessKey) < minSecretLen || opts.Credentials.AccessKeyID == "" {
		return false, fmt.Errorf("state store on %q (--allow-remote) needs explicit credentials: %s and a %s of at least %d characters", addr, EnvAccessKey, EnvSecretKey, minSecretLen)
	}
	return false, nil
}

// quietLogger passes gofakes3's request lines to w (or nowhere).
type quietLogger struct{ w io.Writer }

func (l quietLogger) Print(level gofakes3.LogLevel, v ...any) {
	if l.w == nil {
		return
	}
	fmt.Fprintln(l.w, append([]any{string(level)}, v...)...)
}
