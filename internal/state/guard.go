package state

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// guard is the store's front door. In order it refuses
//   - anything a web browser sends: a request with an Origin or Sec-Fetch-* header, and
//     every OPTIONS (CORS preflight). OpenTofu's s3 backend sends none of them;
//   - on a loopback store, a Host header that is not a loopback name, so a page whose
//     domain is rebound to 127.0.0.1 (DNS rebinding) is refused before anything else;
//   - a request not signed with the store's credentials (see verifier).
//
// It also removes the CORS headers gofakes3 adds to every answer, so no browser lets
// a page read one.
type guard struct {
	next         http.Handler
	verify       *verifier
	loopbackOnly bool
	log          io.Writer
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := g.check(r)
	if err != nil {
		var ae *authError
		if !errors.As(err, &ae) {
			ae = &authError{status: http.StatusForbidden, code: "AccessDenied", message: err.Error()}
		}
		if g.log != nil {
			// The reason only: never a header, a key or a signature.
			fmt.Fprintf(g.log, "DENY %s %s: %s\n", r.Method, r.URL.Path, ae.code)
		}
		writeError(w, r, ae)
		return
	}
	nw := &noCORSWriter{w: w}
	g.next.ServeHTTP(nw, r)
	nw.strip()
}

func (g *guard) check(r *http.Request) error {
	if r.Method == http.MethodOptions || r.Header.Get("Origin") != "" ||
		r.Header.Get("Sec-Fetch-Mode") != "" || r.Header.Get("Sec-Fetch-Site") != "" {
		return denied("AccessDenied", "requests from web browsers are refused by the olechka state store")
	}
	if g.loopbackOnly && !isLoopbackHost(r.Host) {
		return denied("AccessDenied", "host %q is not a loopback name", r.Host)
	}
	return g.verify.verify(r)
}

// isLoopbackHost reports whether a Host header (host[:port]) names this machine's
// loopback interface: localhost or a loopback IP literal.
func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// writeError answers as S3 does: status and an XML <Error> body (none for HEAD).
func writeError(w http.ResponseWriter, r *http.Request, e *authError) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	body := struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
	}{Code: e.code, Message: e.message}
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(body)
}

// noCORSWriter drops every Access-Control-* header before the answer goes out.
type noCORSWriter struct {
	w       http.ResponseWriter
	written bool
}

func (n *noCORSWriter) Header() http.Header { return n.w.Header() }

func (n *noCORSWriter) WriteHeader(status int) {
	n.strip()
	n.w.WriteHeader(status)
}

func (n *noCORSWriter) Write(b []byte) (int, error) {
	n.strip()
	return n.w.Write(b)
}

func (n *noCORSWriter) strip() {
	if n.written {
		return
	}
	n.written = true
	for k := range n.w.Header() {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			n.w.Header().Del(k)
		}
	}
}
