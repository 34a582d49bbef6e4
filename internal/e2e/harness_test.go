package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/cli"
	"github.com/terragrunt-olechka/olechka/internal/state"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// The test binary doubles as the olechka CLI when OLECHKA_E2E_CLI=1, so tests can run
// olechka as a separate process (and kill it) without building it.
func TestMain(m *testing.M) {
	if os.Getenv("OLECHKA_E2E_CLI") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Main(ctx, cli.App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
		stop()
		os.Exit(code)
	}
	// Each harness has its own environment (harness.getenv), so independent tests run in
	// parallel. OpenTofu gets the variables of the process that App.Getenv answers
	// (cli's toolEnv): the names a harness sets exist in the process, empty unless set.
	for _, k := range harnessEnv {
		if _, ok := os.LookupEnv(k); !ok {
			os.Setenv(k, "")
		}
	}
	os.Exit(m.Run())
}

// harnessEnv are the variables a harness sets for the olechka it runs (with the state
// server's credential variables).
var harnessEnv = []string{"OLECHKA_LOCAL", "OLECHKA_STATE_ENDPOINT", "OLECHKA_CACHE", "OLECHKA_SANDBOX_OUT",
	"OLECHKA_LOCK_ENDPOINT", "OLECHKA_LOCK_TABLE", "GITHUB_SHA", state.EnvAccessKey, state.EnvSecretKey}

const (
	bucket   = "olechka-sandbox-state-111111111111" // dev's account in the sandbox
	devRoot  = "dev"
	network  = "eu-central-1/network"
	storage  = "eu-central-1/storage"
	service  = "eu-central-1/service"
	monitor  = "eu-central-1/monitoring"
	slowUnit = "eu-central-1/slow"
)

// harness is one test's sandbox copy, state store and olechka invocations.
type harness struct {
	t     testing.TB
	ctx   context.Context
	sb    string // the sandbox copy
	root  string // the tree root olechka plans (sb/dev)
	work  string
	out   string // where local_file writes
	srv   *state.Server
	s3    *s3.Client
	extra []string // flags added to every plan/apply

	mu  sync.Mutex
	env map[string]string // the environment olechka runs with, over the process's
}

// setenv sets a variable for the olechka this harness runs (in process or not).
func (h *harness) setenv(k, v string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.env[k] = v
}

// getenv is App.Getenv of the olechka this harness runs.
func (h *harness) getenv(k string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if v, ok := h.env[k]; ok {
		return v
	}
	return os.Getenv(k)
}

// environ is the harness's environment as KEY=value pairs, for a subprocess.
func (h *harness) environ() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for k, v := range h.env {
		out = append(out, k+"="+v)
	}
	return out
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	testenv.Tool(t, "tofu")
	testenv.File(t, "tofurc")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	t.Cleanup(cancel)
	srv, err := state.Serve(ctx, state.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	h := &harness{t: t, ctx: ctx, srv: srv, work: t.TempDir(), out: t.TempDir(), env: map[string]string{}}
	h.sb = filepath.Join(t.TempDir(), "sandbox")
	copyDir(t, filepath.Join(testenv.RepoRoot(t), "examples", "sandbox"), h.sb)
	h.root = filepath.Join(h.sb, devRoot)
	h.setenv("OLECHKA_LOCAL", "1")
	h.setenv("OLECHKA_STATE_ENDPOINT", srv.URL())
	for k, v := range srv.Credentials().Env() {
		h.setenv(k, v)
	}
	h.setenv("OLECHKA_CACHE", testenv.CacheDir(t))
	h.setenv("OLECHKA_SANDBOX_OUT", h.out)
	h.setenv("OLECHKA_LOCK_ENDPOINT", "")
	h.setenv("GITHUB_SHA", "e2e0000000000000000000000000000000000000")
	h.s3 = s3.New(s3.Options{Region: "eu-central-1", BaseEndpoint: aws.String(srv.URL()), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(srv.Credentials().AccessKeyID, srv.Credentials().SecretAccessKey, "")})
	return h
}

func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// git runs git in the sandbox copy and returns its output.
func (h *harness) git(args ...string) string {
	h.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", h.sb}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// write puts a file into the sandbox copy.
func (h *harness) write(rel, content string) {
	h.t.Helper()
	p := filepath.Join(h.sb, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// edit replaces old with new in a sandbox file.
func (h *harness) edit(rel, old, new string) {
	h.t.Helper()
	p := filepath.Join(h.sb, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		h.t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		h.t.Fatalf("%s does not contain %q", rel, old)
	}
	h.write(rel, strings.Replace(string(b), old, new, 1))
}

// addSlowUnit adds a unit with no dependencies whose apply sleeps (a service with a
// rollout), for lock and kill tests.
func (h *harness) addSlowUnit(rollout string) {
	h.write(devRoot+"/"+slowUnit+"/terragrunt.hcl", fmt.Sprintf(`include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//service"
}

inputs = {
  name             = "slow"
  vpc_id           = "vpc-fixed"
  subnet_ids       = ["subnet-fixed"]
  bucket_name      = "fixed-bucket"
  image_tag        = "v1"
  rollout_duration = %q
}
`, rollout))
}

type run struct {
	stdout, stderr string
	code           int
}

func (r run) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// olechka runs the CLI in-process.
func (h *harness) olechka(args ...string) run {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(h.ctx, cli.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: h.getenv}, args)
	return run{stdout: out.String(), stderr: errb.String(), code: code}
}

// plan runs olechka plan with the harness's flags.
func (h *harness) plan(out string, args ...string) run {
	h.t.Helper()
	full := append([]string{"plan", "--out", out, "--work-dir", h.work, "--lock-timeout", "20s"}, h.extra...)
	return h.olechka(append(full, args...)...)
}

// apply runs olechka apply with the harness's flags.
func (h *harness) apply(plans string, args ...string) run {
	h.t.Helper()
	full := append([]string{"apply", "--plans", plans, "--root", h.root, "--work-dir", h.work, "--lock-timeout", "20s"}, h.extra...)
	return h.olechka(append(full, args...)...)
}

// deploy plans and applies units until every plan applies (a fresh tree plans its
// dependents on mocks first, so each round applies one more wave).
func (h *harness) deploy(units ...string) {
	h.t.Helper()
	for round := 0; round < 6; round++ {
		plans := filepath.Join(h.t.TempDir(), "plans")
		args := append([]string{"--root", h.root}, h.unitDirs(units)...)
		if len(units) == 0 {
			args = []string{"--all", h.root}
		}
		if r := h.plan(plans, args...); r.code != 0 {
			h.t.Fatalf("plan: %s", r)
		}
		r := h.apply(plans)
		if r.code == 0 {
			return
		}
		if r.code != 3 {
			h.t.Fatalf("apply: %s", r)
		}
	}
	h.t.Fatal("the tree did not converge in 6 plan/apply rounds")
}

func (h *harness) unitDirs(units []string) []string {
	var out []string
	for _, u := range units {
		out = append(out, filepath.Join(h.root, filepath.FromSlash(u)))
	}
	return out
}

// tfstate is the part of a state file the tests read.
type tfstate struct {
	Serial  uint64 `json:"serial"`
	Lineage string `json:"lineage"`
	Outputs map[string]struct {
		Value any `json:"value"`
	} `json:"outputs"`
	Resources []struct {
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

func (s *tfstate) output(name string) any {
	return s.Outputs[name].Value
}

func (s *tfstate) resource(typ, name string) map[string]any {
	for _, r := range s.Resources {
		if r.Type == typ && r.Name == name && len(r.Instances) > 0 {
			return r.Instances[0].Attributes
		}
	}
	return nil
}

// state reads a unit's state from the store (nil when it has none).
func (h *harness) state(unit string) *tfstate {
	h.t.Helper()
	key := devRoot + "/" + unit + "/terraform.tfstate"
	o, err := h.s3.GetObject(h.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		if strings.Contains(err.Error(), "NoSuchKey") || strings.Contains(err.Error(), "NoSuchBucket") {
			return nil
		}
		h.t.Fatalf("reading %s: %v", key, err)
	}
	defer o.Body.Close()
	var s tfstate
	if err := json.NewDecoder(o.Body).Decode(&s); err != nil {
		h.t.Fatalf("%s: %v", key, err)
	}
	return &s
}

// lockfileExists reports whether a unit's S3 lockfile is present.
func (h *harness) lockfileExists(unit string) bool {
	_, err := h.s3.HeadObject(h.ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(devRoot + "/" + unit + "/terraform.tfstate.tflock")})
	return err == nil
}

// plans reads a plan folder's artifacts by unit.
func (h *harness) plans(dir string) map[string]*artifact.Plan {
	h.t.Helper()
	ps, err := artifact.ReadDir(dir)
	if err != nil {
		h.t.Fatal(err)
	}
	m := map[string]*artifact.Plan{}
	for _, p := range ps {
		m[p.Metadata.Unit] = p
	}
	return m
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}

// subprocess runs olechka as a separate process (the test binary in CLI mode).
type subprocess struct {
	cmd    *exec.Cmd
	output *bytes.Buffer
	done   chan error
}

func (h *harness) start(args ...string) *subprocess {
	h.t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), h.environ()...), "OLECHKA_E2E_CLI=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	p := &subprocess{cmd: cmd, output: &out, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	h.t.Cleanup(func() { p.killTree() })
	return p
}

// killTree kills the process and every descendant with SIGKILL, children first: what a
// runner losing its machine looks like to the state backend.
func (p *subprocess) killTree() {
	pids := descendants(p.cmd.Process.Pid)
	for i := len(pids) - 1; i >= 0; i-- {
		_ = syscall.Kill(pids[i], syscall.SIGKILL)
	}
	_ = p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// descendants lists a process's descendants (from /proc), parents before children.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		f, err := os.Open(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		line, _ := bufio.NewReader(f).ReadString('\n')
		f.Close()
		// pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
		i := strings.LastIndexByte(line, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(line[i+1:])
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		children[ppid] = append(children[ppid], child)
	}
	var out []int
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			out = append(out, c)
			walk(c)
		}
	}
	walk(pid)
	return out
}

// freePort returns a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDynalite runs dynalite from the cache on a free port with a lock table, and
// points the sandbox's locking at it.
func (h *harness) startDynalite(table string) *dynamodb.Client {
	h.t.Helper()
	bin := testenv.Tool(h.t, "dynalite")
	port := freePort(h.t)
	cmd := exec.Command(bin, "--host", "127.0.0.1", "--port", strconv.Itoa(port), "--createTableMs", "0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(h.t, 20*time.Second, "dynalite to listen", func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	db := dynamodb.New(dynamodb.Options{Region: "eu-central-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
	_, err := db.CreateTable(h.ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		h.t.Fatalf("creating the lock table: %v\n%s", err, out.String())
	}
	waitFor(h.t, 20*time.Second, "the lock table", func() bool {
		d, err := db.DescribeTable(h.ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		return err == nil && d.Table.TableStatus == ddbtypes.TableStatusActive
	})
	h.setenv("OLECHKA_LOCK_ENDPOINT", endpoint)
	h.setenv("OLECHKA_LOCK_TABLE", table)
	return db
}

// lockItems counts the lock items in a DynamoDB lock table (digest items excluded).
func (h *harness) lockItems(db *dynamodb.Client, table string) int {
	out, err := db.Scan(h.ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, it := range out.Items {
		if v, ok := it["Info"]; ok && v != nil {
			n++
		}
	}
	return n
}
