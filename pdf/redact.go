package pdf

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/nitrokit/nitro/internal/wire"
)

// An Upload's and a Callback's header values (an Authorization, a callback
// secret) and URL queries (a pre-signed URL's signature) are credentials:
// their printed forms, under every fmt verb and in slog, show the header
// names and the URL without its query, never the values.

func (u Upload) String() string {
	return fmt.Sprintf("pdf.Upload{URL: %q, Method: %q, Header: %s}", wire.URLWithoutQuery(u.URL), u.Method, headerNames(u.Header))
}

// GoString is String: %#v must not reveal the credentials either.
func (u Upload) GoString() string { return u.String() }

// Format prints String for every verb.
func (u Upload) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(u.String())) }

// LogValue makes slog print String.
func (u Upload) LogValue() slog.Value { return slog.StringValue(u.String()) }

func (c Callback) String() string {
	return fmt.Sprintf("pdf.Callback{URL: %q, Header: %s}", wire.URLWithoutQuery(c.URL), headerNames(c.Header))
}

// GoString is String: %#v must not reveal the credentials either.
func (c Callback) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Callback) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes slog print String.
func (c Callback) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (d Delivery) String() string {
	var parts []string
	if d.UploadResultTo != nil {
		parts = append(parts, "UploadResultTo: "+d.UploadResultTo.String())
	}
	for _, u := range d.UploadResultsTo {
		parts = append(parts, "UploadResultsTo: "+u.String())
	}
	if d.Callback != nil {
		parts = append(parts, "Callback: "+d.Callback.String())
	}
	return "pdf.Delivery{" + strings.Join(parts, ", ") + "}"
}

// GoString is String: %#v must not reveal the credentials either.
func (d Delivery) GoString() string { return d.String() }

// Format prints String for every verb.
func (d Delivery) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(d.String())) }

// LogValue makes slog print String.
func (d Delivery) LogValue() slog.Value { return slog.StringValue(d.String()) }

// A Job's ID and Location are the server's choice, so its printed forms
// (every fmt verb, slog, encoding/json) show them through the nitro.Client's
// redactor, as its errors do; the ID field itself stays as the API sent it,
// the job's path segment.

func (j Job[R]) String() string {
	return fmt.Sprintf("pdf.Job{ID: %q, Location: %q}", j.c.redact(j.ID), j.c.redact(j.Location))
}

// GoString is String: %#v must not reveal what String hides.
func (j Job[R]) GoString() string { return j.String() }

// Format prints String for every verb.
func (j Job[R]) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(j.String())) }

// LogValue makes slog print String.
func (j Job[R]) LogValue() slog.Value { return slog.StringValue(j.String()) }

// MarshalJSON encodes the ID and Location, redacted. (To resume a job,
// store its ID field and give it to ResumeJob.)
func (j Job[R]) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct{ ID, Location string }{j.c.redact(j.ID), j.c.redact(j.Location)})
}

// headerNames lists h's names, with their values left out.
func headerNames(h http.Header) string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name+": [REDACTED]")
	}
	slices.Sort(names)
	return "{" + strings.Join(names, ", ") + "}"
}
