package bootstrap

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

const (
	testAccount = "123456789012"
	testRegion  = "eu-central-1"
)

// startGofakes3 serves an in-memory gofakes3 on loopback; wrap may add handlers in front.
func startGofakes3(t *testing.T) string {
	t.Helper()
	faker := gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog()))
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	return srv.URL
}

// dynalitePath finds the dynalite script that scripts/tools installs into the cache.
func dynalitePath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("OLECHKA_DYNALITE"); p != "" {
		return p
	}
	cache := testenv.CacheDir(t)
	for _, p := range []string{
		filepath.Join(cache, "bin", "dynalite"),
		filepath.Join(cache, "node_modules", ".bin", "dynalite"),
		filepath.Join(cache, "dynalite", "node_modules", ".bin", "dynalite"),
		filepath.Join(cache, "npm", "node_modules", ".bin", "dynalite"),
	} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath("dynalite"); err == nil {
		return p
	}
	testenv.Missing(t, "dynalite", "make tools (scripts/tools/20-dynalite.sh)")
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDynalite runs an in-memory dynalite on a free loopback port until the test ends.
func startDynalite(t *testing.T) string {
	t.Helper()
	bin := dynalitePath(t)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port := freePort(t)
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin, "--host", "127.0.0.1", "--port", fmt.Sprint(port),
			"--createTableMs", "20", "--updateTableMs", "20", "--deleteTableMs", "20")
		cmd.WaitDelay = 5 * time.Second
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatalf("start dynalite: %v", err)
		}
		done := make(chan error, 1)
		go func() {
			var msg strings.Builder
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				msg.WriteString(sc.Text() + "\n")
			}
			done <- fmt.Errorf("dynalite exited: %v: %s", cmd.Wait(), msg.String())
		}()
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case lastErr = <-done:
			default:
				c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
				if err == nil {
					c.Close()
					t.Cleanup(func() { cancel(); <-done })
					return "http://" + addr
				}
				time.Sleep(50 * time.Millisecond)
				continue
			}
			break
		}
		cancel()
		if lastErr == nil {
			lastErr = fmt.Errorf("dynalite did not listen on %s within 20s", addr)
			<-done
		}
	}
	t.Fatal(lastErr)
	return ""
}

func testS3(url string) *s3.Client {
	return s3.New(s3.Options{
		Region:                     testRegion,
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:               aws.String(url),
		UsePathStyle:               true,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

func testDynamoDB(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(url),
	})
}

func testOptions() Options {
	return Options{AccountID: testAccount, Region: testRegion, Poll: 20 * time.Millisecond, PollTimeout: 20 * time.Second}
}
