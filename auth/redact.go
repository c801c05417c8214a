package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nitrokit/nitro/internal/redacterr"
)

const (
	// keptTokens is how many tokens a redactor remembers: the current one
	// and the few before it, which late errors and logs may still echo.
	// Older ones are forgotten, so memory stays bounded however long the
	// Source lives.
	keptTokens = 4
	// minRedacted is the shortest token worth redacting: replacing a one- or
	// two-letter "token" everywhere would garble the text, and it guards
	// nothing.
	minRedacted = 4
)

// redactor replaces the client secret, in every form it travels in, and the
// tokens its Source has held with "[REDACTED]". Every error text and log
// line of a Source passes through it.
//
// Reading is lock-free (one atomic load of an immutable Replacer); adding a
// token, once per fetch, rebuilds the Replacer under a mutex.
type redactor struct {
	secrets  []string // the secret's forms; fixed at construction
	mu       sync.Mutex
	tokens   []string // newest last, at most keptTokens
	replacer atomic.Pointer[strings.Replacer]
}

func newRedactor(creds Credentials) *redactor {
	r := &redactor{}
	sec := creds.ClientSecret
	if sec != "" {
		quoted, _ := json.Marshal(sec) // as it travels in NitroJSON's body
		r.secrets = []string{sec, url.QueryEscape(sec), url.PathEscape(sec),
			strings.Trim(string(quoted), `"`), basicCredentials(creds)}
	}
	r.rebuild()
	return r
}

// add remembers tok, forgetting the oldest beyond keptTokens.
func (r *redactor) add(tok string) {
	if len(tok) < minRedacted {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.Contains(r.tokens, tok) {
		return
	}
	r.tokens = append(r.tokens, tok)
	if len(r.tokens) > keptTokens {
		r.tokens = slices.Delete(r.tokens, 0, len(r.tokens)-keptTokens)
	}
	r.rebuild()
}

// rebuild makes the Replacer; longer strings come first, so a secret that
// contains a token is replaced whole. Called with mu held or before use.
func (r *redactor) rebuild() {
	all := append(slices.Clone(r.secrets), r.tokens...)
	slices.SortFunc(all, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	all = slices.Compact(all)
	pairs := make([]string, 0, 2*len(all))
	for _, s := range all {
		if s != "" {
			pairs = append(pairs, s, redacted)
		}
	}
	r.replacer.Store(strings.NewReplacer(pairs...))
}

// redact returns s with every known secret and token replaced.
func (r *redactor) redact(s string) string {
	if r == nil || s == "" {
		return s
	}
	return r.replacer.Load().Replace(s)
}

// Format keeps the redactor's own contents out of every printed form.
func (r *redactor) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("auth.redactor{" + redacted + "}"))
}

// redactErr returns err with a redacted text, or err itself when there was
// nothing to redact (see redacterr.Wrap).
func (r *redactor) redactErr(err error) error {
	return redacterr.Wrap(err, r.redact)
}

// redactHandler is a slog.Handler that passes the message and every
// attribute through a redactor before the user's handler sees them.
type redactHandler struct {
	next slog.Handler
	r    *redactor
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return redactHandler{h.next.WithAttrs(clean), h.r}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.next.WithGroup(name), h.r}
}

// attr redacts one attribute: strings and errors by their text, groups
// member by member, and any other value by its printed form, which is
// replaced by redacted text only if it held something to redact.
func (h redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.redact(v.String()))
	case slog.KindGroup:
		as := v.Group()
		clean := make([]any, len(as))
		for i, g := range as {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.r.redact(err.Error()))
		}
		text := fmt.Sprint(v.Any())
		if clean := h.r.redact(text); clean != text {
			return slog.String(a.Key, clean)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
