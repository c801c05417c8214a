package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthCheck: the token's lifetime and endpoint, never the token.
func TestAuthCheck(t *testing.T) {
	t.Parallel()
	stdout, _ := expect(t, exitOK, runOpts{}, "--json", "auth", "check")
	var got authReport
	decode(t, stdout, &got)
	if !got.OK || got.TokenURL != shared.info.TokenURL || got.ClientID != "test-client" || got.ExpiresInSeconds <= 0 ||
		got.Sources["client_secret"] != "NITRO_CLIENT_SECRET" {
		t.Errorf("auth check --json: %+v", got)
	}
	stdout, _ = expect(t, exitOK, runOpts{}, "auth", "check", "--verbose")
	if !strings.Contains(stdout, "lifetime:") || !strings.Contains(stdout, shared.info.TokenURL) {
		t.Errorf("auth check printed:\n%s", stdout)
	}
}

// TestBadCredentials: a wrong secret is exit code 3, with a message naming
// the setting to check, and neither the given secret nor a token in any
// output.
func TestBadCredentials(t *testing.T) {
	t.Parallel()
	const wrong = "wr0ng-s3cret-given"
	for _, tc := range []struct {
		name  string
		o     runOpts
		args  []string
		check string
	}{
		{"environment", runOpts{env: []string{"NITRO_CLIENT_SECRET=" + wrong}}, nil, "NITRO_CLIENT_SECRET"},
		{"flag", runOpts{}, []string{"--client-secret", wrong}, "--client-secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, cmd := range [][]string{{"auth", "check"}, {"sign", "envelopes", "list"}, {"-v", "pdf", "compress", testdata(t, "contract.pdf"), "-o", "x.pdf"}} {
				_, stderr := expect(t, exitAuth, tc.o, append(tc.args, cmd...)...)
				if !strings.Contains(stderr, "refused the credentials") || !strings.Contains(stderr, "check NITRO_CLIENT_ID and "+tc.check) {
					t.Errorf("%v: the message does not say what to check:\n%s", cmd, stderr)
				}
				noSecrets(t, stderr, wrong)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		_, stderr := expect(t, exitAuth, runOpts{env: []string{"NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET="}}, "auth", "check")
		for _, want := range []string{"no client credentials", "NITRO_CLIENT_ID", "nitro auth login", "--fake"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("no %q in:\n%s", want, stderr)
			}
		}
	})
}

// configIn writes a config file with mode perm in a new config directory
// and returns the environment that makes it the user's.
func configIn(t *testing.T, fc fileConfig, perm os.FileMode) (env []string, path string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "nitro", "config.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(fc)
	if err := os.WriteFile(path, b, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return []string{"XDG_CONFIG_HOME=" + dir, "NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET=", "NITRO_BASE_URL=", "NITRO_TOKEN_URL="}, path
}

// TestConfigFile: a config file others can read is refused (exit code 3,
// saying how to fix it, never quoting it); once private, it is used.
func TestConfigFile(t *testing.T) {
	t.Parallel()
	env, path := configIn(t, fileConfig{ClientID: "test-client", ClientSecret: testSecret, BaseURL: shared.info.BaseURL}, 0o644)
	_, stderr := expect(t, exitAuth, runOpts{env: env}, "auth", "check")
	if !strings.Contains(stderr, "chmod 600 "+path) || !strings.Contains(stderr, "0644") {
		t.Errorf("the refusal does not say how to fix it:\n%s", stderr)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _ := expect(t, exitOK, runOpts{env: env}, "--json", "auth", "check")
	var got authReport
	decode(t, stdout, &got)
	if got.Sources["client_secret"] != "client_secret in "+path {
		t.Errorf("the secret came from %q, want the config file", got.Sources["client_secret"])
	}
}

// TestConfigPrecedence: for each setting, a flag beats the environment,
// which beats the config file.
func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	env, path := configIn(t, fileConfig{ClientID: "file-client", ClientSecret: "file-secret", BaseURL: shared.info.BaseURL}, 0o600)
	env = append(env, "NITRO_CLIENT_ID=env-client", "NITRO_CLIENT_SECRET="+testSecret)
	stdout, _ := expect(t, exitOK, runOpts{env: env}, "--json", "--client-id", "test-client", "auth", "check")
	var got authReport
	decode(t, stdout, &got)
	want := map[string]string{"client_id": "--client-id", "client_secret": "NITRO_CLIENT_SECRET", "base_url": "base_url in " + path}
	for k, v := range want {
		if got.Sources[k] != v {
			t.Errorf("%s came from %q, want %q", k, got.Sources[k], v)
		}
	}
}

// TestAuthLogin: login reads the credentials from stdin, checks them, and
// writes a config file only its owner can read, which then serves alone.
func TestAuthLogin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := []string{"XDG_CONFIG_HOME=" + dir, "NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET="}
	stdout, _ := expect(t, exitOK, runOpts{env: env, stdin: strings.NewReader("test-client\n" + testSecret + "\n")},
		"auth", "login", "--base-url", shared.info.BaseURL)
	path := filepath.Join(dir, "nitro", "config.json")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%v; login printed:\n%s", err, stdout)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("the config file's mode is %04o, want 0600", st.Mode().Perm())
	}
	env = append(env, "NITRO_BASE_URL=", "NITRO_TOKEN_URL=")
	expect(t, exitOK, runOpts{env: env}, "auth", "check")

	// Wrong credentials are not saved.
	other := t.TempDir()
	expect(t, exitAuth, runOpts{env: []string{"XDG_CONFIG_HOME=" + other}, stdin: strings.NewReader("test-client\nnot-the-secret\n")},
		"auth", "login", "--base-url", shared.info.BaseURL)
	if _, err := os.Stat(filepath.Join(other, "nitro", "config.json")); err == nil {
		t.Error("login saved credentials the token endpoint refused")
	}
}

// TestConfigFileMissingOrUnreadable: a config file named by --config that
// is not there, or one that cannot be read, is exit code 3 naming it. The
// first used to be passed over in silence ("no client credentials"), the
// second to be exit code 1 with the bare open error.
func TestConfigFileMissingOrUnreadable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	loop := filepath.Join(dir, "loop.json")
	if err := os.Symlink(loop, loop); err != nil { // open: too many levels of symbolic links
		t.Fatal(err)
	}
	env := []string{"NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET="}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.json"), "no config file " + filepath.Join(dir, "missing.json")},
		{loop, "cannot read the config file " + loop},
	} {
		_, stderr := expect(t, exitAuth, runOpts{env: env}, "--config", tc.path, "auth", "check")
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("--config %s: no %q in:\n%s", tc.path, tc.want, stderr)
		}
	}
}

// TestAuthLoginChecksWhereCommandsGo: login checks the credentials against
// the service the commands will use, NITRO_BASE_URL's here, and a refusal
// speaks of the credentials entered. It used to check them against the
// default API whatever the environment said, and to tell the user to
// check NITRO_CLIENT_ID, which they had not set.
func TestAuthLoginChecksWhereCommandsGo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := []string{"XDG_CONFIG_HOME=" + dir, "NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET="} // NITRO_BASE_URL: the shared fake
	_, stderr := expect(t, exitAuth, runOpts{env: env, stdin: strings.NewReader("test-client\nnot-the-secret\n")}, "auth", "login")
	if !strings.Contains(stderr, "check the client ID entered and the client secret entered") {
		t.Errorf("the refusal does not speak of what was entered:\n%s", stderr)
	}
	expect(t, exitOK, runOpts{env: env, stdin: strings.NewReader("test-client\n" + testSecret + "\n")}, "auth", "login")
	b, err := os.ReadFile(filepath.Join(dir, "nitro", "config.json"))
	if err != nil || strings.Contains(string(b), "base_url") {
		t.Errorf("login saved %s (%v): a URL only the environment gave", b, err)
	}
}
