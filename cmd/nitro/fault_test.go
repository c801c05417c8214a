package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/nitrokit/nitro/nitrotest"
)

func TestParseFault(t *testing.T) {
	f, err := parseFault("target=op:CreateEnvelope,times=2,status=429,retry-after=1,delay=1s,body={\"a\": 1, \"b\": 2}")
	if err != nil {
		t.Fatal(err)
	}
	target, n, fault, err := f.fault()
	if err != nil || target != nitrotest.Operation("CreateEnvelope") || n != 2 ||
		fault.Status != 429 || fault.RetryAfter != "1" || fault.Delay != time.Second || fault.Body != `{"a": 1, "b": 2}` {
		t.Errorf("got %v %d %+v %v", target, n, fault, err)
	}
	for _, bad := range []string{"", "target=token", "status=500", "target=x,status=500", "target=api,status=5000",
		"target=api,delay=soon", "target=api,colour=red,status=500", "target=api,times=x,status=500",
		"target=api,truncate=-1", "target=api,drop=no", "target=api,drop=false"} {
		if _, err := parseFault(bad); err == nil {
			t.Errorf("parseFault(%q) accepted it", bad)
		}
	}
}

// TestFaultsRefusedByTheAdminEndpoint: the admin endpoint checks a fault
// as the command line does. A negative truncate_after used to be taken, and
// panicked the fake's handler at the next request it matched.
func TestFaultsRefusedByTheAdminEndpoint(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"target": "op:NoSuchOperation", "truncate_after": -1}`,
		`{"target": "op:NoSuchOperation", "times": -2, "status": 500}`,
	} {
		if code := adminJSON(t, "faults", body); code != http.StatusBadRequest {
			t.Errorf("POST /_fake/faults %s: %d, want 400", body, code)
		}
	}
	if f, err := parseFault("target=api,drop=true"); err != nil || !f.Drop {
		t.Errorf("drop=true: %+v, %v", f, err)
	}
}

func TestPageList(t *testing.T) {
	got, err := pageList("0, 2,4-6")
	if err != nil || len(got) != 5 || got[0] != 0 || got[4] != 6 {
		t.Errorf("pageList = %v, %v", got, err)
	}
	for _, bad := range []string{"", "-1", "3-1", "a", "1-"} {
		if _, err := pageList(bad); err == nil {
			t.Errorf("pageList(%q) accepted it", bad)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"out.pdf": "out.pdf", "my file.pdf": "'my file.pdf'", "it's": `'it'\''s'`, "": "''"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
