package wire_test

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/wire"
	"github.com/nitrokit/nitro/sign"
)

// sameAsEncodingJSON decodes body with wire.JSON and with encoding/json
// into a T and fails unless both give the same value, and both fail or
// neither does.
func sameAsEncodingJSON[T any](t *testing.T, name, body string) {
	t.Helper()
	var want T
	wantErr := json.Unmarshal([]byte(body), &want)
	got, err := wire.JSON[T](answer(t, strings.NewReader(body)), nil)
	if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: wire.JSON = %+v, %v\nencoding/json gives %+v, %v", name, got, err, want, wantErr)
	}
}

// The tests in this file hold wire's JSON (see its import in wire.go) to
// encoding/json's. Built by Go 1.27, where the two are one package, they
// still check wire's reading and writing around the decoder.

// TestAnswersDecodeAsEncodingJSONDoes: answers decode to what encoding/json
// makes of them, into the generated models, through the corners where
// decoders differ: keys in another case or twice, unknown members, escapes
// and invalid UTF-8, numbers at float32's edges, offsets in times, a
// union's raw bytes kept as sent, nulls, and values that do not fit. The
// one known difference is pinned at the end.
func TestAnswersDecodeAsEncodingJSONDoes(t *testing.T) {
	const id = `"9fb8a5c4-71fc-4fbf-b226-5da4a5b4814c"`
	envelopes := map[string]string{
		"plain":          `{"ID":` + id + `,"createdAt":"2026-12-07T21:27:08.482364998Z","mode":"sequential","name":"bench","notification":{"body":"b","subject":"s"},"status":"drafted"}`,
		"other case":     `{"id":` + id + `,"NAME":"n","Notification":{"SUBJECT":"s"}}`,
		"twice":          `{"name":"a","name":"b","notification":{"body":"x"},"notification":{"subject":"y"}}`,
		"unknown":        `{"name":"n","extra":{"a":[1,{"b":null}],"c":"d"},"more":[true,false]}`,
		"escapes":        `{"name":"\u00e9\ud83d\ude00 \"q\" \/ \\ \t \u2028"}`,
		"lone surrogate": `{"name":"\ud83d x"}`,
		"invalid UTF-8":  "{\"name\":\"a\xffb\xc3\"}",
		"an offset":      `{"createdAt":"2026-12-07T23:27:08+02:00","lastModifiedAt":"2026-12-07T21:27:08-00:30"}`,
		"nulls":          `{"ID":null,"name":null,"createdAt":null,"notification":null}`,
		"enum unknown":   `{"mode":"zigzag","status":"weird"}`,
		"a number":       `{"name":5}`,
		"a bad time":     `{"createdAt":"2026-13-01T00:00:00Z"}`,
		"a bad ID":       `{"ID":"9fb8a5c4"}`,
		"an array":       `[]`,
		"whitespace":     " \n\t{ \"name\" : \"n\" }\r\n",
	}
	for name, body := range envelopes {
		sameAsEncodingJSON[signapi.ExtendedEnvelope](t, "envelope, "+name, body)
	}
	fields := map[string]string{
		"plain":      `{"ID":` + id + `,"boundingBox":[10,20.5,100,30],"documentID":` + id + `,"page":1,"participantID":` + id + `,"required":true,"type":"signature"}`,
		"float32":    `{"boundingBox":[0.1,1e2,3.4028235e38,-0,1e-50,123456789]}`,
		"too big":    `{"boundingBox":[3.5e38]}`,
		"page float": `{"page":1.0}`,
		"page huge":  `{"page":2147483648}`,
		"null box":   `{"boundingBox":null}`,
	}
	for name, body := range fields {
		sameAsEncodingJSON[signapi.Field](t, "field, "+name, body)
	}
	sameAsEncodingJSON[signapi.Participant](t, "participant, a union as sent",
		`{"ID":`+id+`,"authentication": { "type" : "sms",  "phone":"+1 555", "x":[ 1 , 2 ] } ,"email":"a@b.c","role":"signer"}`)
	sameAsEncodingJSON[signapi.DocumentList](t, "documents",
		`{"items":[{"ID":`+id+`,"name":"a.pdf","status":"ready","pages":3},{"ID":`+id+`}]}`)
	sameAsEncodingJSON[pdfapi.JobResult](t, "a PDF job's result", `{"jobID":"j1","status":"failed","error":{"code":"E","message":"m"}}`)
	sameAsEncodingJSON[pdfapi.JobStatus](t, "a PDF job's status", `{"jobID":"j1","status":"running","progress":0.5,"unknown":{}}`)
	sameAsEncodingJSON[signapi.ExtendedEnvelope](t, "broken mid-body", `{"name":"a","mode":"sequential",,"status":"drafted"}`)

	// A time spelled with an escape: encoding/json hands the time its
	// string undecoded, and fails; wire reads the JSON string's value.
	escaped := `{"createdAt":"2026-12-07T21:27:08\u005a"}`
	var std signapi.ExtendedEnvelope
	got, err := wire.JSON[signapi.ExtendedEnvelope](answer(t, strings.NewReader(escaped)), nil)
	if want := time.Date(2026, 12, 7, 21, 27, 8, 0, time.UTC); err != nil || !got.CreatedAt.Equal(want) {
		t.Errorf("an escaped time: %v, %v; want %v", got.CreatedAt, err, want)
	}
	if json.Unmarshal([]byte(escaped), &std) == nil && !isAlias() {
		t.Errorf("an escaped time: encoding/json now reads it; drop the difference from wire.go's import comment")
	}
}

// isAlias reports whether wire's JSON is encoding/json itself (Go 1.27, or
// GOEXPERIMENT=jsonv2).
func isAlias() bool {
	return reflect.TypeFor[json.SyntaxError]() == reflect.TypeFor[jsonv1.SyntaxError]()
}

// TestBodiesEncodeAsEncodingJSONDoes: a request body goes out as the bytes
// encoding/json writes, the generated models' unions and float32s
// included. The one known difference is invalid UTF-8, written as the
// replacement character rather than its escape: the same JSON string.
func TestBodiesEncodeAsEncodingJSONDoes(t *testing.T) {
	pid := uuid.MustParse("9fb8a5c4-71fc-4fbf-b226-5da4a5b4814c")
	sms := signapi.SingleParticipantRequest_Authentication{}
	if err := sms.FromSMS(signapi.SMS{CountryCode: "+1", PhoneNumber: "555 <&>", Type: "sms"}); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]any{
		"an envelope": signapi.EnvelopeCreate{Name: "<b>&\u2028 é 😀 \"q\"", Mode: signapi.EnvelopeModeSequential,
			Notification: signapi.Notification{Subject: "s\n\t", Body: "\x00\x1f"}},
		"a field": sign.NewCreateFieldRequest(sign.CreateSignatureField{BoundingBox: []float32{0.1, 1e-7, 3.4e38, -0, 123456789, 1.5e-45},
			ParticipantID: pid, Page: 2, Required: true, Type: sign.CreateSignatureFieldTypeSignature}),
		"a participant": sign.NewCreateParticipantRequest(sign.SingleParticipantRequest{Email: "a@b.c", Role: sign.ParticipantRoleSigner, Authentication: sms}),
	} {
		want, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r, err := wire.EncodeBody("op", body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, _ := io.ReadAll(r); !bytes.Equal(got, want) {
			t.Errorf("%s: wire writes\n%s\nencoding/json writes\n%s", name, got, want)
		}
	}
	r, err := wire.EncodeBody("op", signapi.EnvelopeCreate{Name: "a\xffb"})
	if err != nil {
		t.Fatal(err)
	}
	var back signapi.EnvelopeCreate
	if b, _ := io.ReadAll(r); json.Unmarshal(b, &back) != nil || back.Name != "a\ufffdb" {
		t.Errorf("invalid UTF-8: %q; want the replacement character", back.Name)
	}
}

// BenchmarkDecodeEnvelope prices the JSON package wire imports against
// encoding/json on GetEnvelope's answer: the figures its import's comment
// quotes (ns/op, allocs/op, B/op).
func BenchmarkDecodeEnvelope(b *testing.B) {
	body := []byte(`{"ID":"9fb8a5c4-71fc-4fbf-b226-5da4a5b4814c","createdAt":"2026-12-07T21:27:08.482364998Z",` +
		`"lastModifiedAt":"2026-12-07T21:27:08.482364998Z","mode":"sequential","name":"bench",` +
		`"notification":{"body":"b","subject":"s"},"status":"drafted"}`)
	for _, d := range []struct {
		name      string
		unmarshal func([]byte, any) error
	}{{"wire", jsonv1.Unmarshal}, {"encoding-json", json.Unmarshal}} {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var v signapi.ExtendedEnvelope
				if err := d.unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
