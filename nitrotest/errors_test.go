package nitrotest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/testkit/flowtest"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// fixture holds one envelope in each state the error cases need.
type fixture struct {
	srv                   *nitrotest.Server
	c                     clients
	draft, draftDoc       uuid.UUID
	draftSigner, cc       uuid.UUID
	sent, sentDoc         uuid.UUID
	missing, missingChild uuid.UUID
}

func newFixture(t *testing.T) *fixture {
	srv, c := setup(t, nitrotest.WithSealDelay(-1))
	fx := &fixture{srv: srv, c: c, missing: uuid.New(), missingChild: uuid.New()}
	fx.draft = newEnvelope(t, c, "Draft")
	fx.draftDoc = uploadDoc(t, c, fx.draft, 1)
	fx.draftSigner = addSigner(t, c, fx.draft, "s@example.com")
	var b signapi.CreateParticipantJSONRequestBody
	must(t, b.UnmarshalJSON([]byte(`{"email":"cc@example.com","role":"cc"}`)))
	r, err := c.CreateParticipantWithResponse(context.Background(), fx.draft, b)
	must(t, err)
	fx.cc = r.JSON201.ID
	fx.sent, fx.sentDoc, _ = sentEnvelope(t, c)
	return fx
}

type result struct {
	status int
	body   []byte
}

func res(status int, body []byte, err error) result {
	if err != nil {
		return result{status: -1, body: []byte(err.Error())}
	}
	return result{status, body}
}

func jsonBody[T interface{ UnmarshalJSON([]byte) error }](t *testing.T, v T, s string) T {
	t.Helper()
	must(t, v.UnmarshalJSON([]byte(s)))
	return v
}

// errorCases trigger every error status the spec lists, but 401 (see
// TestUnauthorizedEverywhere). Keys are "operationId status".
func errorCases(t *testing.T, fx *fixture) map[string]func() result {
	ctx, c := context.Background(), fx.c
	fieldBody := func(participant uuid.UUID, box string) signapi.CreateFieldJSONRequestBody {
		return *jsonBody(t, &signapi.CreateFieldJSONRequestBody{}, `{"type":"signature","participantID":"`+participant.String()+`","page":1,"boundingBox":`+box+`}`)
	}
	upload := func(env uuid.UUID, name, ct string, payload []byte, params *signapi.CreateDocumentParams) result {
		mct, b := multipartDoc(t, name, ct, payload)
		r, err := c.CreateDocumentWithBodyWithResponse(ctx, env, params, mct, b)
		return res(r.StatusCode(), r.Body, err)
	}
	fault := func(op string, call func() result) func() result {
		return func() result {
			flowtest.Must(t, fx.srv.InjectFault(nitrotest.Operation(op), 1, nitrotest.Fault{Status: 500}))
			return call()
		}
	}
	convert := func(name string, content []byte) result {
		ct, b := fileForm(t, "file", content)
		//lint:ignore SA1019 the fake serves the Sign conversion operations while the spec has them, deprecated or not
		r, err := c.ConvertFileWithBodyWithResponse(ctx, ct, &bytesReader{b, name})
		return res(r.StatusCode(), r.Body, err)
	}
	return map[string]func() result{
		"cancelEnvelope 404": func() result {
			r, err := c.CancelEnvelopeWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"cancelEnvelope 409": func() result {
			r, err := c.CancelEnvelopeWithResponse(ctx, fx.draft)
			return res(r.StatusCode(), r.Body, err)
		},
		"reorderDocuments 404": func() result {
			r, err := c.ReorderDocumentsWithResponse(ctx, fx.missing, signapi.ReorderDocumentsRequest{Order: []uuid.UUID{}})
			return res(r.StatusCode(), r.Body, err)
		},
		"reorderDocuments 409": func() result {
			r, err := c.ReorderDocumentsWithResponse(ctx, fx.sent, signapi.ReorderDocumentsRequest{Order: []uuid.UUID{fx.sentDoc}})
			return res(r.StatusCode(), r.Body, err)
		},
		"sendReminders 404": func() result {
			r, err := c.SendRemindersWithResponse(ctx, fx.missing, signapi.SendReminders{})
			return res(r.StatusCode(), r.Body, err)
		},
		"sendReminders 409": func() result {
			r, err := c.SendRemindersWithResponse(ctx, fx.draft, signapi.SendReminders{})
			return res(r.StatusCode(), r.Body, err)
		},
		"sendForSigning 404": func() result {
			r, err := c.SendForSigningWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"sendForSigning 409": func() result {
			r, err := c.SendForSigningWithResponse(ctx, fx.sent)
			return res(r.StatusCode(), r.Body, err)
		},
		"deleteParticipants 404": func() result {
			r, err := c.DeleteParticipantsWithResponse(ctx, fx.draft, signapi.DeleteParticipantsRequest{Items: []uuid.UUID{fx.missingChild}})
			return res(r.StatusCode(), r.Body, err)
		},
		"listParticipants 404": func() result {
			r, err := c.ListParticipantsWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"createParticipant 400": func() result {
			r, err := c.CreateParticipantWithResponse(ctx, fx.draft, *jsonBody(t, &signapi.CreateParticipantJSONRequestBody{}, `{"email":"not-an-email","role":"signer"}`))
			return res(r.StatusCode(), r.Body, err)
		},
		"createParticipant 404": func() result {
			r, err := c.CreateParticipantWithResponse(ctx, fx.missing, *jsonBody(t, &signapi.CreateParticipantJSONRequestBody{}, `{"email":"a@b.c","role":"cc"}`))
			return res(r.StatusCode(), r.Body, err)
		},
		"deleteFields 404": func() result {
			r, err := c.DeleteFieldsWithResponse(ctx, fx.draft, fx.missingChild, signapi.DeleteFieldsRequest{})
			return res(r.StatusCode(), r.Body, err)
		},
		"listFields 404": func() result {
			r, err := c.ListFieldsWithResponse(ctx, fx.draft, fx.missingChild)
			return res(r.StatusCode(), r.Body, err)
		},
		"createField 400": func() result {
			r, err := c.CreateFieldWithResponse(ctx, fx.draft, fx.draftDoc, fieldBody(fx.draftSigner, "[1,2,0,0]"))
			return res(r.StatusCode(), r.Body, err)
		},
		"createField 404": func() result {
			r, err := c.CreateFieldWithResponse(ctx, fx.draft, fx.missingChild, fieldBody(fx.draftSigner, "[1,2,3,4]"))
			return res(r.StatusCode(), r.Body, err)
		},
		"createField 422": func() result {
			r, err := c.CreateFieldWithResponse(ctx, fx.draft, fx.draftDoc, fieldBody(fx.cc, "[1,2,3,4]"))
			return res(r.StatusCode(), r.Body, err)
		},
		"listDocuments 404": func() result {
			r, err := c.ListDocumentsWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"createDocument 400": func() result { return upload(fx.draft, "", "application/pdf", minimalPDF(1), nil) },
		"createDocument 413": func() result {
			return upload(fx.draft, "big.pdf", "application/pdf", make([]byte, 20<<20+1), nil)
		},
		"createDocument 415": func() result { return upload(fx.draft, "x.exe", "application/x-msdownload", []byte("MZ"), nil) },
		"createDocument 422": func() result {
			env := newEnvelope(t, c, "Full")
			for range 15 {
				uploadDoc(t, c, env, 1)
			}
			return upload(env, "sixteenth.pdf", "application/pdf", minimalPDF(1), nil)
		},
		"createEnvelope 400": func() result {
			r, err := c.CreateEnvelopeWithResponse(ctx, signapi.EnvelopeCreate{Name: " ", Mode: signapi.EnvelopeModeParallel, Notification: signapi.Notification{Subject: "s", Body: "b"}})
			return res(r.StatusCode(), r.Body, err)
		},
		"convertFile 400": func() result { return convert("", nil) },
		"convertFile 413": func() result { return convert("big.docx", make([]byte, 20<<20+1)) },
		"convertFile 415": func() result { return convert("x.exe", []byte("MZ")) },
		"convertFile 500": fault("ConvertFile", func() result { return convert("a.docx", []byte("x")) }),
		"getTokenRfc6749 400": func() result {
			r, err := c.GetTokenRfc6749WithResponse(ctx, nil, signapi.AuthTokenRequest{})
			return res(r.StatusCode(), r.Body, err)
		},
		"getTokenRfc6749 401": func() result {
			r, err := c.GetTokenRfc6749WithResponse(ctx, nil, signapi.AuthTokenRequest{ClientID: "x", ClientSecret: "y"})
			return res(r.StatusCode(), r.Body, err)
		},
		"getTokenRfc6749 500": func() result {
			flowtest.Must(t, fx.srv.InjectFault(nitrotest.TokenEndpoint, 1, nitrotest.Fault{Status: 500, ContentType: "application/json", Body: `{"error":"server_error"}`}))
			r, err := c.GetTokenRfc6749WithResponse(ctx, nil, signapi.AuthTokenRequest{ClientID: "x", ClientSecret: "y"})
			return res(r.StatusCode(), r.Body, err)
		},
		"deleteParticipant 404": func() result {
			r, err := c.DeleteParticipantWithResponse(ctx, fx.draft, fx.missingChild)
			return res(r.StatusCode(), r.Body, err)
		},
		"updateParticipant 400": func() result {
			var a signapi.ParticipantUpdate_Authentication
			must(t, a.UnmarshalJSON([]byte(`{"type":"SMS"}`)))
			r, err := c.UpdateParticipantWithResponse(ctx, fx.draft, fx.draftSigner, signapi.ParticipantUpdate{Authentication: &a})
			return res(r.StatusCode(), r.Body, err)
		},
		"updateParticipant 404": func() result {
			r, err := c.UpdateParticipantWithResponse(ctx, fx.draft, fx.missingChild, signapi.ParticipantUpdate{})
			return res(r.StatusCode(), r.Body, err)
		},
		"deleteField 404": func() result {
			r, err := c.DeleteFieldWithResponse(ctx, fx.draft, fx.draftDoc, fx.missingChild)
			return res(r.StatusCode(), r.Body, err)
		},
		"updateField 404": func() result {
			var u signapi.FieldUpdate
			must(t, u.FromUpdateSignatureField(signapi.UpdateSignatureField{Type: signapi.UpdateSignatureFieldTypeSignature}))
			r, err := c.UpdateFieldWithResponse(ctx, fx.draft, fx.draftDoc, fx.missingChild, u)
			return res(r.StatusCode(), r.Body, err)
		},
		"getDocument 404": func() result {
			r, err := c.GetDocumentWithResponse(ctx, fx.draft, fx.missingChild)
			return res(r.StatusCode(), r.Body, err)
		},
		"deleteDocument 404": func() result {
			r, err := c.DeleteDocumentWithResponse(ctx, fx.draft, fx.missingChild)
			return res(r.StatusCode(), r.Body, err)
		},
		"deleteDocument 409": func() result {
			r, err := c.DeleteDocumentWithResponse(ctx, fx.sent, fx.sentDoc)
			return res(r.StatusCode(), r.Body, err)
		},
		"updateDocument 400": func() result {
			r, err := c.UpdateDocumentWithResponse(ctx, fx.draft, fx.draftDoc, signapi.RenameDocumentRequest{Name: "  "})
			return res(r.StatusCode(), r.Body, err)
		},
		"updateDocument 404": func() result {
			r, err := c.UpdateDocumentWithResponse(ctx, fx.draft, fx.missingChild, signapi.RenameDocumentRequest{Name: "x"})
			return res(r.StatusCode(), r.Body, err)
		},
		"updateDocument 409": func() result {
			r, err := c.UpdateDocumentWithResponse(ctx, fx.sent, fx.sentDoc, signapi.RenameDocumentRequest{Name: "x"})
			return res(r.StatusCode(), r.Body, err)
		},
		"getEnvelope 404": func() result {
			r, err := c.GetEnvelopeWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"deleteEnvelope 400": func() result {
			r, err := c.DeleteEnvelopeWithResponse(ctx, fx.sent)
			return res(r.StatusCode(), r.Body, err)
		},
		"updateEnvelope 400": func() result {
			r, err := c.UpdateEnvelopeWithResponse(ctx, fx.draft, signapi.EnvelopeUpdate{Name: ptr("")})
			return res(r.StatusCode(), r.Body, err)
		},
		"updateEnvelope 404": func() result {
			r, err := c.UpdateEnvelopeWithResponse(ctx, fx.missing, signapi.EnvelopeUpdate{Name: ptr("x")})
			return res(r.StatusCode(), r.Body, err)
		},
		"updateEnvelope 409": func() result {
			r, err := c.UpdateEnvelopeWithResponse(ctx, fx.sent, signapi.EnvelopeUpdate{Name: ptr("x")})
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadSealedEnvelope 404": func() result {
			r, err := c.DownloadSealedEnvelopeWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadSealedEnvelope 409": func() result {
			r, err := c.DownloadSealedEnvelopeWithResponse(ctx, fx.sent)
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadOriginalEnvelope 404": func() result {
			r, err := c.DownloadOriginalEnvelopeWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadAuditTrailOfEnvelope 404": func() result {
			r, err := c.DownloadAuditTrailOfEnvelopeWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"listSignerSigningUrls 404": func() result {
			r, err := c.ListSignerSigningUrlsWithResponse(ctx, fx.missing)
			return res(r.StatusCode(), r.Body, err)
		},
		"listSignerSigningUrls 409": func() result {
			r, err := c.ListSignerSigningUrlsWithResponse(ctx, fx.draft)
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadSealedDocument 404": func() result {
			r, err := c.DownloadSealedDocumentWithResponse(ctx, fx.sent, fx.missingChild)
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadSealedDocument 409": func() result {
			r, err := c.DownloadSealedDocumentWithResponse(ctx, fx.sent, fx.sentDoc)
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadConvertedFile 404": func() result {
			//lint:ignore SA1019 the fake serves the Sign conversion operations while the spec has them, deprecated or not
			r, err := c.DownloadConvertedFileWithResponse(ctx, "no-such-job")
			return res(r.StatusCode(), r.Body, err)
		},
		"downloadConvertedFile 500": fault("DownloadConvertedFile", func() result {
			//lint:ignore SA1019 the fake serves the Sign conversion operations while the spec has them, deprecated or not
			r, err := c.DownloadConvertedFileWithResponse(ctx, "no-such-job")
			return res(r.StatusCode(), r.Body, err)
		}),
		"getJobStatus 404": func() result {
			//lint:ignore SA1019 the fake serves the Sign conversion operations while the spec has them, deprecated or not
			r, err := c.GetJobStatusWithResponse(ctx, "no-such-job")
			return res(r.StatusCode(), r.Body, err)
		},
		"getJobStatus 500": fault("GetJobStatus", func() result {
			//lint:ignore SA1019 the fake serves the Sign conversion operations while the spec has them, deprecated or not
			r, err := c.GetJobStatusWithResponse(ctx, "no-such-job")
			return res(r.StatusCode(), r.Body, err)
		}),
	}
}

// bytesReader renames the multipart file part of a convertFile body.
type bytesReader struct {
	b    *bytes.Buffer
	name string
}

func (r *bytesReader) Read(p []byte) (int, error) {
	if r.name != "input.docx" {
		s := strings.Replace(r.b.String(), `filename="input.docx"`, `filename="`+r.name+`"`, 1)
		if r.name == "" {
			s = strings.Replace(s, `name="file"`, `name="other"`, 1)
		}
		r.b, r.name = bytes.NewBufferString(s), "input.docx"
	}
	return r.b.Read(p)
}

func TestEveryListedErrorStatus(t *testing.T) {
	fx := newFixture(t)
	cases := errorCases(t, fx)
	for key, call := range cases {
		if !tooLarge(key) { // TestEveryListedTooLargeStatus's, a volume test
			t.Run(key, func(t *testing.T) { checkErrorCase(t, key, call) })
		}
	}
	for key := range listedErrors(t) {
		if _, ok := cases[key]; !ok && !strings.HasSuffix(key, " 401") {
			t.Errorf("no test case for %s, which the spec lists", key)
		}
	}
}

// tooLarge says whether an error case's key ("operationId status") is a
// 413, whose body is over a 20 MiB limit.
func tooLarge(key string) bool { return strings.HasSuffix(key, " 413") }

// checkErrorCase runs one error case: the status its key names, and a body
// that is a problem with that status or an OAuth error.
func checkErrorCase(t *testing.T, key string, call func() result) {
	t.Helper()
	var op string
	var want int
	fmt.Sscanf(key, "%s %d", &op, &want)
	r := call()
	if r.status != want {
		t.Fatalf("HTTP %d, want %d: %s", r.status, want, r.body)
	}
	var p struct {
		Status int    `json:"status"`
		Error  string `json:"error"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil || (p.Status != want && p.Error == "") {
		t.Errorf("body is neither a problem with status %d nor an OAuth error: %s", want, r.body)
	}
}

// listedErrors is every "operationId status" error the spec lists.
func listedErrors(t *testing.T) map[string]bool {
	t.Helper()
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				if code >= "400" {
					out[op.OperationID+" "+code] = true
				}
			}
		}
	}
	return out
}

// TestUnauthorizedEverywhere sends every operation that lists a 401 without a
// token, and with an unknown one, and checks the spec's
// UnauthorizedProblemDetail comes back.
func TestUnauthorizedEverywhere(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	doc, err := api.GetSpec()
	must(t, err)
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses.Value("401") == nil || op.OperationID == "getTokenRfc6749" {
				continue
			}
			n++
			url := srv.URL() + fillPath(path)
			for _, authz := range []string{"", "Bearer not-a-token"} {
				req, _ := http.NewRequest(method, url, nil)
				if authz != "" {
					req.Header.Set("Authorization", authz)
				}
				resp, err := http.DefaultClient.Do(req)
				must(t, err)
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var p map[string]any
				json.Unmarshal(b, &p)
				if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" ||
					p["type"] != "https://developers.gonitro.com/docs/build-nitro/errors#401-unauthorized" ||
					p["title"] != "Unauthorized" || p["status"] != float64(401) || p["instance"] != fillPath(path) {
					t.Errorf("%s %s with %q: %d %s %s", method, path, authz, resp.StatusCode, resp.Header.Get("Content-Type"), b)
				}
			}
		}
	}
	if n != 32 {
		t.Errorf("%d operations list 401, want 32", n)
	}
}

func fillPath(p string) string {
	for _, name := range []string{"{envelopeID}", "{documentID}", "{participantID}", "{fieldID}", "{jobID}"} {
		p = strings.ReplaceAll(p, name, uuid.NewSHA1(uuid.Nil, []byte(name)).String())
	}
	return p
}
