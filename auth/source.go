package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/nitrokit/nitro/internal/retry"
)

// Source obtains tokens through a Flow and caches them. It is safe for
// concurrent use and is meant to live as long as the program: create one per
// client pair and token endpoint, and Close it when done.
//
// Reading the cached token is lock-free: an atomic load of an entry holding
// the precomputed "Bearer <token>" header, and one read of the monotonic
// clock, compared with the entry's refresh time and expiry. Every read
// compares, so no token is handed out past its expiry whatever the timers
// do: a process frozen and thawed (a paused container, SIGSTOP, a
// serverless runtime between invocations) or starved of CPU wakes with its
// timers overdue, and its first reads see the clock, not the timers. At
// the refresh time one background refresh starts while every caller keeps
// the still-valid token (started by its timer, or by the first read past
// that time if the timer is late); a failed early refresh is retried with
// jittered backoff until the token expires; at expiry the entry is dropped.
// Only a missing or expired token makes callers wait, and at most one token
// request is in flight per Source however many wait for it. That request
// runs detached from their contexts under its own timeout, so a caller that
// gives up ends only its own wait.
//
// The clock is Go's monotonic one, which timers use too. On Linux it stops
// while the machine is suspended (a laptop asleep): a token that expired
// during the sleep is sent once, the API answers 401, and the Transport
// replays the request with a new token.
type Source struct {
	flow   Flow
	creds  Credentials
	opts   options
	client *http.Client // opts.client with a same-host redirect policy

	cur     atomic.Pointer[entry]
	failure atomic.Pointer[failure]
	group   singleflight.Group

	life   context.Context // cancelled by Close; ends fetches and sleeps
	stop   context.CancelFunc
	mu     sync.Mutex // orders wg.Add against Close
	closed atomic.Bool
	wg     sync.WaitGroup

	// Test seams: the clock (wall and monotonic), its timers, and the retry
	// sleep.
	now       func() time.Time
	since     func() time.Duration // monotonic time since a fixed start: get's clock
	afterFunc func(time.Duration, func()) (stop func() bool)
	sleep     func(context.Context, time.Duration) error

	red *redactor    // knows the secret and recent tokens
	log *slog.Logger // opts.logger behind red: no line leaks either

	key    string  // the token's name in the store
	sealer *sealer // nil without a store

	waits atomic.Int64 // calls that had to wait for a fetch
}

// entry is a cached token with the header precomputed, and the timers that
// refresh and expire it.
type entry struct {
	tok       Token
	header    string   // "Bearer " + tok.AccessToken
	values    []string // {header}: the Authorization field every request shares
	sent      time.Time
	refreshAt time.Time
	// refreshes and expires are refreshAt and tok.Expiry on the Source's
	// monotonic clock (since), which get compares them with.
	refreshes, expires time.Duration

	trying atomic.Bool // a refresh of this entry is running
	// due is set once e's refresh time has come (by its timer, or by get if
	// the timer is late): its first refresh has started. Later ones are the
	// failed refresh's retries, paced by backoff.
	due atomic.Bool

	mu       sync.Mutex // guards the fields below
	timers   []func() bool
	failures int  // failed early refreshes
	retired  bool // replaced, dropped or closed: schedule nothing more
}

// Format keeps the token and header out of every printed form.
func (e *entry) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "auth.entry{%s}", e.tok)
}

// schedule runs f after d unless e is retired.
func (e *entry) schedule(after func(time.Duration, func()) func() bool, d time.Duration, f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.retired {
		e.timers = append(e.timers, after(d, f))
	}
}

// retire stops e's timers.
func (e *entry) retire() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.retired = true
	for _, stop := range e.timers {
		stop()
	}
	e.timers = nil
}

// failure is a permanent token-endpoint error, remembered briefly so that a
// flood of callers does not hammer the endpoint with bad credentials.
type failure struct {
	err   error
	until time.Time
}

const flightKey = "token"

// NewSource returns a Source that obtains tokens for creds through flow.
// It fails if creds are incomplete, the token URL is not an absolute http(s)
// URL, plain http is used without WithInsecureHTTP to a non-loopback host, or
// an option is invalid.
func NewSource(flow Flow, creds Credentials, opts ...Option) (*Source, error) {
	if flow == nil {
		return nil, errors.New("auth: NewSource: nil flow")
	}
	if creds.ClientID == "" || creds.ClientSecret == "" {
		return nil, errors.New("auth: NewSource: ClientID and ClientSecret are required")
	}
	o := defaultOptions()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if len(o.params) > 0 && !flow.acceptsParams() {
		return nil, errors.New("auth: WithEndpointParams: this flow takes no extra parameters")
	}
	u, err := url.Parse(flow.TokenURL())
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("auth: token URL %q is not an absolute http(s) URL", flow.TokenURL())
	}
	if err := checkScheme(u, o.insecure); err != nil {
		return nil, fmt.Errorf("%w: token URL %s", err, u.Redacted())
	}
	s := &Source{flow: flow, creds: creds, opts: o, now: time.Now, since: sinceStart, afterFunc: afterFunc, sleep: retry.Sleep}
	s.red = newRedactor(creds)
	s.log = slog.New(redactHandler{next: o.logger.Handler(), r: s.red})
	s.client = sameHostRedirects(o.client, o.insecure)
	if o.store != nil {
		s.key = storeKey(flow, creds.ClientID)
		if s.sealer, err = newSealer(creds.ClientSecret, s.key); err != nil {
			return nil, fmt.Errorf("auth: WithStore: %w", err)
		}
	}
	s.life, s.stop = context.WithCancel(context.Background())
	return s, nil
}

// Token returns a valid token, fetching one if none is cached or the cached
// one has expired. ctx bounds only this caller's wait.
func (s *Source) Token(ctx context.Context) (Token, error) {
	if ctx == nil {
		return Token{}, errNilContext
	}
	e, err := s.get(ctx)
	if err != nil {
		return Token{}, err
	}
	return e.tok, nil
}

// get is the hot path: an atomic load and a monotonic clock read while a
// token is young. In its refresh window it also makes sure a refresh has
// started, in case the refresh timer is late; past its expiry, whatever
// the timers did, it is dropped and treated as missing.
func (s *Source) get(ctx context.Context) (*entry, error) {
	if e := s.cur.Load(); e != nil {
		now := s.since()
		if now < e.refreshes {
			return e, nil
		}
		if now < e.expires {
			if !e.due.Load() {
				s.refreshDue(e)
			}
			return e, nil
		}
		s.drop(e)
	}
	return s.wait(ctx)
}

// errNilContext refuses a nil context, which a wait for a token could not
// end by.
var errNilContext = errors.New("auth: nil Context")

// processStart is the start of the monotonic clock get reads. A package
// variable is set outside any testing/synctest bubble, so it holds a
// monotonic reading.
var processStart = time.Now()

// sinceStart reads the monotonic clock alone (time.Since of a time that has
// a monotonic reading): half the cost of time.Now, which reads the wall
// clock too.
func sinceStart() time.Duration { return time.Since(processStart) }

// wait joins (or starts) the shared fetch and waits for it, for ctx, or for
// Close, whichever comes first.
func (s *Source) wait(ctx context.Context) (*entry, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	s.waits.Add(1)
	if f := s.failure.Load(); f != nil && s.now().Before(f.until) {
		return nil, s.red.redactErr(f.err)
	}
	ch := s.group.DoChan(flightKey, s.fetchFunc(ctx, nil))
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, s.red.redactErr(r.Err)
		}
		return r.Val.(*entry), nil
	case <-ctx.Done():
		return nil, s.red.redactErr(fmt.Errorf("auth: waiting for a token: %w", context.Cause(ctx)))
	case <-s.life.Done():
		return nil, ErrClosed
	}
}

// publish makes e the cached entry, with timers for its refresh and its
// expiry, and retires the entry it replaces.
func (s *Source) publish(e *entry) {
	now := s.now()
	e.schedule(s.afterFunc, e.refreshAt.Sub(now), func() { s.refreshDue(e) })
	e.schedule(s.afterFunc, e.tok.Expiry.Sub(now), func() { s.drop(e) })
	if old := s.cur.Swap(e); old != nil {
		old.retire()
	}
}

// drop removes e if it is still the cached entry.
func (s *Source) drop(e *entry) {
	if s.cur.CompareAndSwap(e, nil) {
		e.retire()
	}
}

// refreshDue starts e's first refresh, once, whichever comes first: its
// refresh timer, or a read past its refresh time.
func (s *Source) refreshDue(e *entry) {
	if e.due.Swap(true) {
		return
	}
	s.refreshAhead(e)
}

// refreshAhead starts one background refresh of e unless one is running.
func (s *Source) refreshAhead(e *entry) {
	if !e.trying.CompareAndSwap(false, true) {
		return
	}
	if !s.goBackground(func() { s.refresh(e) }) {
		e.trying.Store(false)
	}
}

// refresh fetches e's successor. On failure e stays in use, and another
// attempt is scheduled with backoff while e has time left. This refresh
// counts as over before that retry is scheduled: a retry timer that fired
// while it was still finishing would otherwise find it running and be
// dropped, and no refresh would come again before expiry.
func (s *Source) refresh(e *entry) {
	r := <-s.group.DoChan(flightKey, s.fetchFunc(context.Background(), e))
	e.trying.Store(false)
	if r.Err == nil {
		return
	}
	e.mu.Lock()
	e.failures++
	n := e.failures
	e.mu.Unlock()
	d := s.opts.backoff.Delay(n, 0)
	if left := e.tok.Expiry.Sub(s.now()); d < left {
		e.schedule(s.afterFunc, d, func() { s.refreshAhead(e) })
	}
	s.log.Warn("auth: early token refresh failed; the current token stays in use until it expires",
		"expiry", e.tok.Expiry, "retry_in", d, "failures", n, "error", r.Err)
}

// fetchFunc returns the shared fetch. It runs once per flight, detached from
// the callers' contexts (keeping their values but not their HTTP traces; see
// detached) under the fetch timeout, and ends early on Close.
func (s *Source) fetchFunc(ctx context.Context, seen *entry) func() (any, error) {
	return func() (any, error) {
		if !s.enter() {
			return nil, ErrClosed
		}
		defer s.wg.Done()
		// A flight that ended just before this one began may have left a
		// token the caller has not seen: use it rather than fetch again.
		if cur := s.cur.Load(); cur != nil && cur != seen && cur.tok.Valid(s.now()) {
			return cur, nil
		}
		ctx, cancel := context.WithTimeout(detach(ctx), s.opts.fetchTimeout)
		defer cancel()
		defer context.AfterFunc(s.life, cancel)()
		e, err := s.obtain(ctx, seen)
		if err != nil {
			var ae *Error
			if errors.As(err, &ae) && !ae.Retryable {
				s.failure.Store(&failure{err: err, until: s.now().Add(s.opts.failureTTL)})
			}
			return nil, err
		}
		s.failure.Store(nil)
		s.publish(e)
		return e, nil
	}
}

// Invalidate drops the cached token if it is still rejected, the access
// token (with or without its "Bearer " prefix) that an API refused. A token
// fetched since is kept: this is a compare-and-swap, so a burst of 401s for
// one token causes one new fetch, not one per response.
func (s *Source) Invalidate(rejected string) {
	if len(rejected) > 7 && (rejected[:7] == "Bearer " || rejected[:7] == "bearer ") {
		rejected = rejected[7:]
	}
	if e := s.cur.Load(); e != nil && e.tok.AccessToken == rejected {
		s.drop(e)
	}
}

// Close stops background refreshes and in-flight fetches and waits for them.
// Calls after Close return ErrClosed. Close is idempotent and returns nil.
func (s *Source) Close() error {
	s.mu.Lock()
	s.closed.Store(true)
	s.mu.Unlock()
	s.stop()
	s.wg.Wait()
	// No fetch runs now and none can start: nothing publishes after this.
	if e := s.cur.Swap(nil); e != nil {
		e.retire()
	}
	return nil
}

func afterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// enter registers background work unless the Source is closed.
func (s *Source) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return false
	}
	s.wg.Add(1)
	return true
}

func (s *Source) goBackground(f func()) bool {
	if !s.enter() {
		return false
	}
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// String describes the Source without its secret or token (even one a
// careless token URL would carry).
func (s *Source) String() string {
	return s.red.redact(fmt.Sprintf("auth.Source{TokenURL: %q, ClientID: %q}", s.flow.TokenURL(), s.creds.ClientID))
}

// GoString is String: %#v must not reach the fields either.
func (s *Source) GoString() string { return s.String() }

// MarshalJSON encodes what String shows: the token URL and client id.
func (s *Source) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		TokenURL string `json:"token_url"`
		ClientID string `json:"client_id"`
	}{s.red.redact(s.flow.TokenURL()), s.creds.ClientID})
}

// Redact returns text with the client secret (raw, URL-, JSON- and Basic-
// encoded) and every token this Source has held replaced by "[REDACTED]".
// It remembers the current token and the few before it (bounded memory), and
// ignores tokens shorter than 4 bytes. Use it on text the Source did not
// produce but that may echo its secrets, such as an API error body that
// repeats the Authorization header. Safe for concurrent use; lock-free.
func (s *Source) Redact(text string) string { return s.red.redact(text) }

// Format prints String for every verb, so %+v and %#v cannot reach the
// cached token through the struct's fields.
func (s *Source) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue makes slog print String.
func (s *Source) LogValue() slog.Value { return slog.StringValue(s.String()) }
