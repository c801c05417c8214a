package nitrotest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// tokens issues and checks JWT-shaped access tokens.
type tokens struct {
	key []byte // HMAC key of this server's signatures

	mu     sync.Mutex
	issued map[string]grant // access token -> what it grants
}

type grant struct {
	expiry time.Time
	scopes []string
}

// serveToken is the token endpoint: Nitro's JSON flow or the RFC 6749 form
// flow with HTTP Basic, chosen by Content-Type as authorization servers do.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		s.tokenJSON(w, r)
	case "application/x-www-form-urlencoded":
		s.tokenForm(w, r)
	default:
		oauthError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be application/json or application/x-www-form-urlencoded")
	}
}

func (s *Server) tokenJSON(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ClientID     string `json:"clientID"`
		ClientSecret string `json:"clientSecret"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil || req.ClientID == "" || req.ClientSecret == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "body must be {\"clientID\": …, \"clientSecret\": …}")
		return
	}
	if !s.validClient(req.ClientID, req.ClientSecret) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	tok, ttl := s.issue(req.ClientID, s.cfg.scopes)
	if s.cfg.shape == RFC6749 {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": ttl})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accessToken": tok, "tokenType": "Bearer", "expiresIn": ttl})
}

func (s *Server) tokenForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	id, secret, ok := basicClient(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="nitrotest"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "HTTP Basic client authentication required")
		return
	}
	if !s.validClient(id, secret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="nitrotest"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	tok, ttl := s.issue(id, scopes)
	resp := map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": ttl}
	if len(scopes) > 0 {
		resp["scope"] = strings.Join(scopes, " ")
	}
	writeJSON(w, http.StatusOK, resp)
}

// basicClient decodes RFC 6749 §2.3.1 client authentication: Basic with the
// form-urlencoded id and secret.
func basicClient(r *http.Request) (id, secret string, ok bool) {
	id, secret, ok = r.BasicAuth()
	if !ok {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(id)
	secret, err2 := url.QueryUnescape(secret)
	return id, secret, err1 == nil && err2 == nil
}

func (s *Server) validClient(id, secret string) bool {
	return hmac.Equal([]byte(id), []byte(s.cfg.creds.ClientID)) && hmac.Equal([]byte(secret), []byte(s.cfg.creds.ClientSecret))
}

// issue mints a JWT-shaped token (header.payload.signature with exp) and
// records its grant.
func (s *Server) issue(clientID string, scopes []string) (string, int64) {
	now := s.now()
	exp := now.Add(s.cfg.tokenLifetime)
	jti := make([]byte, 12)
	_, _ = rand.Read(jti)
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{
		"sub": clientID, "iat": now.Unix(), "exp": exp.Unix(), "jti": enc.EncodeToString(jti), "scope": strings.Join(scopes, " "),
	})
	signing := header + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, s.tokens.key)
	mac.Write([]byte(signing))
	tok := signing + "." + enc.EncodeToString(mac.Sum(nil))

	s.tokens.mu.Lock()
	s.tokens.issued[tok] = grant{expiry: exp, scopes: slices.Clone(scopes)}
	s.tokens.mu.Unlock()
	return tok, int64(s.cfg.tokenLifetime / time.Second)
}

// authorize checks an API request's Bearer token: 401 if it is missing,
// unknown or expired; 403 if it lacks a required scope.
func (s *Server) authorize(r *http.Request) (problem, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return newProblem(http.StatusUnauthorized, r.URL.Path, "Missing or invalid Authorization header"), false
	}
	s.tokens.mu.Lock()
	g, ok := s.tokens.issued[tok]
	s.tokens.mu.Unlock()
	if !ok || !s.now().Before(g.expiry) {
		return newProblem(http.StatusUnauthorized, r.URL.Path, "Missing or invalid Authorization header"), false
	}
	for _, want := range s.cfg.scopes {
		if !slices.Contains(g.scopes, want) {
			return newProblem(http.StatusForbidden, r.URL.Path, "The access token lacks the scope %q", want), false
		}
	}
	return problem{}, true
}

// RevokeTokens makes every token issued so far invalid, as a credential
// rotation would: the next API call with one gets 401.
func (s *Server) RevokeTokens() {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	clear(s.tokens.issued)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
