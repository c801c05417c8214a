package nitro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro/internal/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
)

func TestNewClientValidatesConfig(t *testing.T) {
	ok := Config{ClientID: "id", ClientSecret: "secret"}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"no client id", func(c *Config) { c.ClientID = " " }, "ClientID"},
		{"no secret", func(c *Config) { c.ClientSecret = "" }, "ClientSecret"},
		{"relative base URL", func(c *Config) { c.BaseURL = "api.gonitro.dev" }, "BaseURL"},
		{"ftp base URL", func(c *Config) { c.BaseURL = "ftp://api.gonitro.dev" }, "BaseURL"},
		{"credentials in URL", func(c *Config) { c.BaseURL = "https://u:p@api.gonitro.dev" }, "BaseURL"},
		{"bad token URL", func(c *Config) { c.TokenURL = "::" }, "TokenURL"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
		{"absurd retries", func(c *Config) { c.MaxRetries = 1000 }, "MaxRetries"},
		{"header injection", func(c *Config) { c.UserAgent = "x\r\nEvil: 1" }, "UserAgent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			c, err := NewClient(cfg)
			var ce *ConfigError
			if err == nil || !errors.As(err, &ce) || ce.Field != tt.field {
				if c != nil {
					c.Close()
				}
				t.Fatalf("NewClient = %v, want a *ConfigError for %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "secret") && tt.field != "ClientSecret" {
				t.Errorf("error mentions the secret: %v", err)
			}
		})
	}
	t.Run("plain http to a remote host", func(t *testing.T) {
		_, err := NewClient(Config{ClientID: "id", ClientSecret: "secret", BaseURL: "http://api.example.com"})
		if err == nil {
			t.Fatal("credentials would travel over plain http")
		}
	})
	c, err := NewClient(ok)
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	defer c.Close()
	if c.retrying.maxRetries != 3 || c.retrying.timeout != 60*time.Second {
		t.Errorf("defaults: retries %d, timeout %v", c.retrying.maxRetries, c.retrying.timeout)
	}
}

// TestEveryOperationThroughClient calls each generated operation once
// through the Client's whole stack.
func TestEveryOperationThroughClient(t *testing.T) {
	c, srv, _, logs := setup(t, Config{}, nitrotest.WithSealDelay(-1))
	flowtest.EveryOperation(t, srv, c.ClientWithResponses)
	tok, _ := c.Token(context.Background())
	for _, secret := range []string{srv.Credentials().ClientSecret, tok.AccessToken, "Authorization", "Bearer ey"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the debug log contains %q", secret)
		}
	}
	if !strings.Contains(logs.String(), `msg="nitro: request" method=POST path=/sign/envelopes attempt=1 status=201`) {
		t.Errorf("attempts are not logged:\n%.500s", logs)
	}
}

func TestConfigNeverPrintsTheSecret(t *testing.T) {
	cfg := Config{ClientID: "app", ClientSecret: "very-secret-value"}
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&out, verb+"\n", cfg)
		fmt.Fprintf(&out, verb+"\n", &cfg)
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("cfg", "config", cfg)
	if strings.Contains(out.String(), "very-secret") || !strings.Contains(out.String(), "app") {
		t.Errorf("printing a Config:\n%s", out.String())
	}
}
