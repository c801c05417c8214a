package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nitrokit/nitro/nitrotest"
)

// faultSpec is a fault to inject into the fake, as `nitro fake --fault`
// and `nitro fake inject` write it and the admin endpoint takes it as
// JSON: the next Times requests to Target suffer it (nitrotest.Fault).
type faultSpec struct {
	// Target is token (the token endpoint), api (every API request), or
	// op:NAME (one operation, by its name in the fake's stats:
	// op:CreateEnvelope).
	Target      string `json:"target"`
	Times       int    `json:"times,omitempty"` // default 1
	Status      int    `json:"status,omitempty"`
	RetryAfter  string `json:"retry_after,omitempty"`
	Delay       string `json:"delay,omitempty"` // a Go duration: 2s
	Drop        bool   `json:"drop,omitempty"`
	Truncate    *int   `json:"truncate_after,omitempty"`
	Body        string `json:"body,omitempty"`
	ContentType string `json:"content_type,omitempty"`
}

// faultSyntax is how a fault is written on a command line.
const faultSyntax = `target=token|api|op:OPERATION[,times=N][,status=CODE][,retry-after=SECONDS][,delay=DURATION][,drop][,truncate=BYTES][,content-type=TYPE][,body=REST OF THE TEXT]`

// faultOperations says what a fault's OPERATION is.
const faultOperations = `OPERATION is an operation's name as 'nitro fake stats' counts it
(CreateEnvelope, TransformDocument, GetJobStatus, …): a name no request
has, misspelt, matches nothing.`

// parseFault reads a fault written as comma-separated key=value pairs;
// body, if any, is last and takes the rest, commas included.
func parseFault(s string) (faultSpec, error) {
	var f faultSpec
	rest := s
	for rest != "" {
		var kv string
		if strings.HasPrefix(rest, "body=") {
			kv, rest = rest, ""
		} else {
			kv, rest, _ = strings.Cut(rest, ",")
		}
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch strings.TrimSpace(k) {
		case "target":
			f.Target = v
		case "times":
			f.Times, err = strconv.Atoi(v)
		case "status":
			f.Status, err = strconv.Atoi(v)
		case "retry-after":
			f.RetryAfter = v
		case "delay":
			f.Delay = v
		case "drop":
			f.Drop = true
			if strings.Contains(kv, "=") { // drop=true, drop=false
				f.Drop, err = strconv.ParseBool(v)
			}
		case "truncate":
			var n int
			n, err = strconv.Atoi(v)
			f.Truncate = &n
		case "content-type":
			f.ContentType = v
		case "body":
			f.Body = v
		default:
			return f, fmt.Errorf("fault %q: unknown key %q; write it as %s", s, k, faultSyntax)
		}
		if err != nil {
			return f, fmt.Errorf("fault %q: %s: %v", s, k, err)
		}
	}
	_, _, _, err := f.fault()
	return f, err
}

// fault is the spec as nitrotest takes it, checked.
func (f faultSpec) fault() (nitrotest.Target, int, nitrotest.Fault, error) {
	var target nitrotest.Target
	switch name, isOp := strings.CutPrefix(f.Target, "op:"); {
	case f.Target == "token":
		target = nitrotest.TokenEndpoint
	case f.Target == "api":
		target = nitrotest.AnyOperation
	case isOp && name != "":
		target = nitrotest.Operation(name)
	default:
		return "", 0, nitrotest.Fault{}, fmt.Errorf("fault target %q: token, api or op:OPERATION", f.Target)
	}
	times := f.Times
	if times == 0 {
		times = 1
	}
	out := nitrotest.Fault{Drop: f.Drop, Status: f.Status, RetryAfter: f.RetryAfter, Body: f.Body, ContentType: f.ContentType}
	if f.Delay != "" {
		d, err := time.ParseDuration(f.Delay)
		if err != nil || d < 0 {
			return "", 0, out, fmt.Errorf("fault delay %q: a duration such as 2s", f.Delay)
		}
		out.Delay = d
	}
	if f.Truncate != nil {
		out.Truncate, out.TruncateAfter = true, *f.Truncate
	}
	switch {
	case times < 0:
		return "", 0, out, fmt.Errorf("fault times %d: 1 or more", times)
	case out.Truncate && out.TruncateAfter < 0:
		return "", 0, out, fmt.Errorf("fault truncate %d: a count of bytes, 0 or more", out.TruncateAfter)
	case out.Status != 0 && (out.Status < 100 || out.Status > 599):
		return "", 0, out, fmt.Errorf("fault status %d: an HTTP status", out.Status)
	case !out.Drop && out.Status == 0 && !out.Truncate && out.Delay == 0:
		return "", 0, out, fmt.Errorf("fault %q does nothing: give status, drop, truncate or delay", f.Target)
	}
	return target, times, out, nil
}
