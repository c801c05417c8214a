package nitro

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		EnvClientID: " id ", EnvClientSecret: "s3cret",
		EnvBaseURL: "http://127.0.0.1:8080", EnvTokenURL: "http://127.0.0.1:8080/oauth/token",
	}
	cfg, err := configFrom(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := Config{ClientID: "id", ClientSecret: "s3cret", BaseURL: env[EnvBaseURL], TokenURL: env[EnvTokenURL]}
	if cfg.ClientID != want.ClientID || cfg.ClientSecret != want.ClientSecret || cfg.BaseURL != want.BaseURL || cfg.TokenURL != want.TokenURL {
		t.Fatalf("got %v, want %v", cfg, want)
	}
	if _, err := NewClient(cfg); err != nil {
		t.Fatalf("the Config read does not build a Client: %v", err)
	}
}

func TestConfigFromEnvNamesWhatIsMissing(t *testing.T) {
	for _, tc := range []struct {
		env    map[string]string
		fields []string
	}{
		{map[string]string{}, []string{EnvClientID, EnvClientSecret}},
		{map[string]string{EnvClientID: "id", EnvClientSecret: "  "}, []string{EnvClientSecret}},
		{map[string]string{EnvClientSecret: "s"}, []string{EnvClientID}},
	} {
		_, err := configFrom(func(k string) string { return tc.env[k] })
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("%v: %v is not a *ConfigError", tc.env, err)
		}
		for _, v := range tc.fields {
			if !strings.Contains(err.Error(), v) {
				t.Errorf("%v: %q does not name %s", tc.env, err, v)
			}
		}
	}
}

func TestConfigFromEnvReadsTheProcessEnvironment(t *testing.T) {
	t.Setenv(EnvClientID, "from-env")
	t.Setenv(EnvClientSecret, "sec")
	t.Setenv(EnvBaseURL, "")
	t.Setenv(EnvTokenURL, "")
	cfg, err := ConfigFromEnv()
	if err != nil || cfg.ClientID != "from-env" || cfg.ClientSecret != "sec" {
		t.Fatalf("%v, %v", cfg, err)
	}
}
