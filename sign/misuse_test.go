package sign_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/sign"
)

// TestNewNilFailsEveryCallClearly: sign.New(nil) is a plausible mistake (a
// NewClient error ignored). Every method, called with zero arguments,
// returns nitro.ErrNilClient (or nothing to fail), and none panics.
func TestNewNilFailsEveryCallClearly(t *testing.T) {
	c := sign.New(nil)
	ctxType := reflect.TypeFor[context.Context]()
	callEvery(t, c, "through a nil nitro.Client", nitro.ErrNilClient, func(in reflect.Type) reflect.Value {
		if in == ctxType {
			return reflect.ValueOf(context.Background())
		}
		return reflect.Zero(in)
	})
	if _, err := c.GetEnvelope(context.Background(), [16]byte{1}); !errors.Is(err, nitro.ErrNilClient) {
		t.Errorf("GetEnvelope: %v, want nitro.ErrNilClient", err)
	}
	if _, err := c.Raw().GetEnvelope(context.Background(), [16]byte{1}); !errors.Is(err, nitro.ErrNilClient) {
		t.Errorf("Raw().GetEnvelope: %v, want nitro.ErrNilClient", err)
	}
}

// TestTypedNilDocumentBodyIsRefused: a typed nil Body, such as a nil
// *bytes.Reader, is refused before sending with ErrInvalidDocument; it used
// to panic in the upload's goroutine and kill the process.
func TestTypedNilDocumentBodyIsRefused(t *testing.T) {
	c, srv := setup(t, nitro.Config{})
	env := flowtest.NewEnvelope(t, c, "x")
	before := srv.Stats().Operations["CreateDocument"]
	_, err := c.CreateDocument(context.Background(), env, sign.DocumentUpload{Name: "a.pdf", ContentType: "application/pdf", Body: (*bytes.Reader)(nil)})
	if !errors.Is(err, sign.ErrInvalidDocument) || !strings.Contains(err.Error(), "*bytes.Reader") {
		t.Errorf("got %v, want ErrInvalidDocument naming the nil type", err)
	}
	if n := srv.Stats().Operations["CreateDocument"] - before; n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestEmptyBulkListSendsNothing: a bulk participant or field request with
// no items (nil or empty) has nothing to create: it returns an empty list,
// with no error and no request, where the server's valid empty answer used
// to read as "0 results for the 1 asked for".
func TestEmptyBulkListSendsNothing(t *testing.T) {
	c, srv := setup(t, nitro.Config{})
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, c, "x")
	doc := flowtest.UploadDoc(t, c, env, 1)
	before := srv.Stats().Operations
	for name, items := range map[string][]sign.ParticipantCreate{"nil": nil, "empty": {}} {
		ps, err := c.CreateParticipant(ctx, env, sign.NewCreateParticipantRequest(sign.BulkParticipantRequest{Items: items}))
		if err != nil || ps == nil || len(ps) != 0 {
			t.Errorf("%s participants: %v, %v; want an empty list", name, ps, err)
		}
	}
	for name, items := range map[string][]sign.BulkFieldRequest_Items_Item{"nil": nil, "empty": {}} {
		fs, err := c.CreateField(ctx, env, doc, sign.NewCreateFieldRequest(sign.BulkFieldRequest{Items: items}))
		if err != nil || fs == nil || len(fs) != 0 {
			t.Errorf("%s fields: %v, %v; want an empty list", name, fs, err)
		}
	}
	after := srv.Stats().Operations
	for _, op := range []string{"CreateParticipant", "CreateField"} {
		if after[op] != before[op] {
			t.Errorf("%s: %d requests sent for nothing", op, after[op]-before[op])
		}
	}
	// One item is still one, and a single participant is not a bulk of 0.
	if ps, err := c.CreateParticipant(ctx, env, sign.NewCreateParticipantRequest(sign.BulkParticipantRequest{
		Items: []sign.ParticipantCreate{{Email: "b@example.com", Role: sign.ParticipantRoleSigner}}})); err != nil || len(ps) != 1 {
		t.Errorf("a bulk of one: %v, %v", ps, err)
	}
	if ps, err := c.CreateParticipant(ctx, env, sign.NewCreateParticipantRequest(
		sign.SingleParticipantRequest{Email: "c@example.com", Role: sign.ParticipantRoleSigner})); err != nil || len(ps) != 1 {
		t.Errorf("a single participant: %v, %v", ps, err)
	}
}

// spinning is a body whose Read returns nothing and no error for ever.
type spinning struct{}

func (spinning) Read([]byte) (int, error) { return 0, nil }

// TestABodyThatNeverReadsEnds: an upload whose body returns nothing for
// ever fails, instead of spinning a core in the writer goroutine for ever
// (goleak, in TestMain, catches a writer left running).
func TestABodyThatNeverReadsEnds(t *testing.T) {
	c, _ := setup(t, nitro.Config{})
	env := flowtest.NewEnvelope(t, c, "Stuck")
	done := make(chan error, 1)
	go func() {
		_, err := c.CreateDocument(context.Background(), env, sign.DocumentUpload{Name: "s.pdf", ContentType: "application/pdf", Body: spinning{}})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("an upload of a body that never reads succeeded")
		}
	case <-time.After(30 * time.Second): // only ends a broken test
		t.Fatal("the upload never ended")
	}
}

// TestNilContextIsRefused: every method, given a nil context on a working
// Client, returns an error (ErrNilContext, or an input check's) and
// panics not.
func TestNilContextIsRefused(t *testing.T) {
	c, _ := setup(t, nitro.Config{})
	// Every argument zero: the context is a nil context.Context.
	callEvery(t, c, "with a nil context", sign.ErrNilContext, reflect.Zero)
}

// callEvery calls each method of c that takes arguments, with the
// arguments arg makes, and fails the test on a panic, on a success (the
// method's last result a nil error: input checks may come first, and any
// clear error will do), or on an auto-pager yielding anything but want.
func callEvery(t *testing.T, c *sign.Client, how string, want error, arg func(reflect.Type) reflect.Value) {
	t.Helper()
	v := reflect.ValueOf(c)
	errType := reflect.TypeFor[error]()
	for i := range v.NumMethod() {
		m, name := v.Method(i), v.Type().Method(i).Name
		if m.Type().NumIn() == 0 {
			continue // Raw
		}
		args := make([]reflect.Value, m.Type().NumIn())
		for j := range args {
			args[j] = arg(m.Type().In(j))
		}
		var out []reflect.Value
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s panics: %v", name, p)
				}
			}()
			if m.Type().IsVariadic() {
				out = m.CallSlice(args)
			} else {
				out = m.Call(args)
			}
		}()
		if len(out) == 0 {
			continue
		}
		if seq, ok := out[0].Interface().(iter.Seq2[sign.Envelope, error]); ok {
			for _, err := range seq {
				if !errors.Is(err, want) {
					t.Errorf("%s yields %v, want %v", name, err, want)
				}
			}
			continue
		}
		if last := out[len(out)-1]; last.Type() == errType {
			if err, _ := last.Interface().(error); err == nil {
				t.Errorf("%s %s succeeded", name, how)
			}
		}
	}
}
