package wire_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/wire"
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

// TestAnswersDecodeAsEncodingJSONDoes: answers decode (see the json import
// in wire.go) to what encoding/json makes of them, into the generated
// models, through the corners where decoders differ: keys in another case
// or twice, unknown members, escapes and invalid UTF-8, numbers at float32's
// edges, offsets in times, a union's raw bytes kept as sent, nulls, and
// values that do not fit.
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
}
