package nitro

import (
	"errors"
	"os"
	"strings"
)

// The environment variables ConfigFromEnv reads: the same names the examples,
// the command and the conformance suite use, so one set of exports serves
// them all.
const (
	EnvClientID     = "NITRO_CLIENT_ID"
	EnvClientSecret = "NITRO_CLIENT_SECRET"
	EnvBaseURL      = "NITRO_BASE_URL"
	EnvTokenURL     = "NITRO_TOKEN_URL"
)

// ConfigFromEnv returns a Config read from the environment: the client ID
// and secret from NITRO_CLIENT_ID and NITRO_CLIENT_SECRET (both required),
// and the optional NITRO_BASE_URL and NITRO_TOKEN_URL (empty means the
// defaults). A missing or blank required variable is a *ConfigError naming
// the variable, both if both are missing (errors.Join). The rest of Config
// (HTTPClient, Logger, Timeout, …) is left for the caller to set; NewClient
// validates the whole of it.
func ConfigFromEnv() (Config, error) {
	return configFrom(os.Getenv)
}

// configFrom is ConfigFromEnv over any lookup, so tests need no process
// environment.
func configFrom(getenv func(string) string) (Config, error) {
	cfg := Config{
		ClientID:     strings.TrimSpace(getenv(EnvClientID)),
		ClientSecret: strings.TrimSpace(getenv(EnvClientSecret)),
		BaseURL:      strings.TrimSpace(getenv(EnvBaseURL)),
		TokenURL:     strings.TrimSpace(getenv(EnvTokenURL)),
	}
	var errs []error
	if cfg.ClientID == "" {
		errs = append(errs, &ConfigError{Field: "ClientID", Reason: "is required: set " + EnvClientID})
	}
	if cfg.ClientSecret == "" {
		errs = append(errs, &ConfigError{Field: "ClientSecret", Reason: "is required: set " + EnvClientSecret})
	}
	return cfg, errors.Join(errs...)
}
