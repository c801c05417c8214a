package pdf

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// maxCallbackBody bounds a callback's body: a JobCallback is two strings.
const maxCallbackBody = 64 << 10

// CallbackHandler returns the handler for Delivery.Callback's URL: it
// accepts Nitro's POST of a JobCallback ({jobID, location}) when header
// carries value (compared in constant time; the header Delivery.Callback
// was given), calls fn with it and answers 204. It answers 405 to another
// method, 401 when the header is missing or wrong, 413 to a body over 64
// KiB and 400 to a body that is not one JobCallback with a jobID. fn runs
// on the request's goroutine, so it should return quickly (hand the job to
// a worker, or resume it by ID: ResumeJob, on any replica).
//
// An empty or blank header or value is ErrInvalidCallback (net/http trims
// header values, so a blank one could never match): a callback nobody can
// authenticate would accept anyone's; and so is a nil fn, as a handler
// with nowhere to hand a job would drop every one.
func CallbackHandler(header, value string, fn func(JobCallback)) (http.Handler, error) {
	if strings.TrimSpace(header) == "" || strings.TrimSpace(value) == "" || fn == nil {
		return nil, ErrInvalidCallback
	}
	// Digests are compared, not the values: ConstantTimeCompare returns at
	// once on a length mismatch, which would tell the value's length.
	want := sha256.Sum256([]byte(value))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// Every value of the header is compared, so none is skipped by
		// position; all must fail for a 401.
		ok := 0
		for _, got := range r.Header.Values(header) {
			sum := sha256.Sum256([]byte(got))
			ok |= subtle.ConstantTimeCompare(sum[:], want[:])
		}
		if ok != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCallbackBody))
		var cb JobCallback
		if err := dec.Decode(&cb); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad JSON", http.StatusBadRequest)
			return
		}
		if dec.More() || strings.TrimSpace(cb.JobID) == "" {
			http.Error(w, "not a job callback", http.StatusBadRequest)
			return
		}
		fn(cb)
		w.WriteHeader(http.StatusNoContent)
	}), nil
}

// ErrInvalidCallback is CallbackHandler's refusal of a header, value or
// func it cannot work with.
var ErrInvalidCallback = errors.New("nitro: pdf.CallbackHandler needs a header name, its value and a func")
