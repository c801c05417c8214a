package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nitrokit/nitro"
)

// fileConfig is the config file's content: what `nitro auth login` writes.
type fileConfig struct {
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	BaseURL      string `json:"base_url,omitempty"`
	TokenURL     string `json:"token_url,omitempty"`
}

// setting is one resolved setting and where it came from, for messages
// that say what to check ("NITRO_CLIENT_SECRET", "--client-id",
// "client_id in /home/ada/.config/nitro/config.json").
type setting struct {
	value, source string
}

// settings are the four settings, each resolved on its own: a flag, then
// the environment, then the config file.
type settings struct {
	clientID, clientSecret, baseURL, tokenURL setting
}

// field returns the setting behind a nitro.Config field name.
func (s *settings) field(name string) *setting {
	switch name {
	case "ClientID":
		return &s.clientID
	case "ClientSecret":
		return &s.clientSecret
	case "BaseURL":
		return &s.baseURL
	default:
		return &s.tokenURL
	}
}

// settingSpec says where one setting is looked for.
type settingSpec struct {
	field, flag, env, key string
	value                 func(*globalFlags) string
	inFile                func(fileConfig) string
}

var settingSpecs = []settingSpec{
	{"ClientID", "--client-id", nitro.EnvClientID, "client_id", func(f *globalFlags) string { return f.clientID }, func(c fileConfig) string { return c.ClientID }},
	{"ClientSecret", "--client-secret", nitro.EnvClientSecret, "client_secret", func(f *globalFlags) string { return f.clientSecret }, func(c fileConfig) string { return c.ClientSecret }},
	{"BaseURL", "--base-url", nitro.EnvBaseURL, "base_url", func(f *globalFlags) string { return f.baseURL }, func(c fileConfig) string { return c.BaseURL }},
	{"TokenURL", "--token-url", nitro.EnvTokenURL, "token_url", func(f *globalFlags) string { return f.tokenURL }, func(c fileConfig) string { return c.TokenURL }},
}

// settings resolves the four settings. The config file is read (and
// checked) only when a flag or variable leaves a setting unset; a missing
// file is no error.
func (a *app) settings() (settings, error) {
	var s settings
	unset := false
	for _, sp := range settingSpecs {
		st := s.field(sp.field)
		if v := strings.TrimSpace(sp.value(&a.flags)); v != "" {
			*st = setting{v, sp.flag}
		} else if v := strings.TrimSpace(a.getenv(sp.env)); v != "" {
			*st = setting{v, sp.env}
		} else {
			unset = true
		}
	}
	if !unset {
		return s, nil
	}
	path, err := a.configPath()
	if err != nil {
		return s, nil // no config dir (no $HOME): only flags and variables
	}
	fc, err := readConfig(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && a.flags.configPath != "":
		return s, &credentialsError{msg: fmt.Sprintf("no config file %s (--config); 'nitro auth login --config %s' writes one", path, shellQuote(path))}
	case errors.Is(err, fs.ErrNotExist):
		return s, nil // the default file is optional
	case err != nil:
		return s, err
	}
	for _, sp := range settingSpecs {
		if st := s.field(sp.field); st.value == "" && sp.inFile(fc) != "" {
			*st = setting{strings.TrimSpace(sp.inFile(fc)), sp.key + " in " + path}
		}
	}
	return s, nil
}

// sourceOf names where the Config field's setting came from, or where it
// can be set if it is unset.
func (a *app) sourceOf(field string) string {
	if a.entered[field] {
		return map[string]string{"ClientID": "the client ID entered", "ClientSecret": "the client secret entered"}[field]
	}
	s, _ := a.settings()
	if st := s.field(field); st.source != "" {
		return st.source
	}
	for _, sp := range settingSpecs {
		if sp.field == field {
			return sp.env
		}
	}
	return field
}

// configPath is --config, or config.json in the user's config directory.
func (a *app) configPath() (string, error) {
	if a.flags.configPath != "" {
		return a.flags.configPath, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "nitro", "config.json"), nil
}

// readConfig reads the config file, refusing one that others can read or
// write: it holds the client secret, and a base URL someone else could
// point at their own server.
func readConfig(path string) (fileConfig, error) {
	var fc fileConfig
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fc, err
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fc, &credentialsError{msg: fmt.Sprintf("cannot read the config file %s: %v", path, err)}
	}
	defer f.Close()
	st, err := f.Stat() // of the file opened, not of whatever the path names now
	if err != nil {
		return fc, err
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return fc, &credentialsError{msg: fmt.Sprintf(
			"refusing the config file %s: its mode %04o lets other users read or change it, and it holds the client secret\nfix it with: chmod 600 %s",
			path, perm, path)}
	}
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return fc, usagef("the config file %s is not valid: %v (keys: client_id, client_secret, base_url, token_url)", path, err)
	}
	return fc, nil
}

// writeConfig writes fc to path with mode 0600, in a directory only the
// user can enter, replacing any older file at once (never half-written).
func writeConfig(path string, fc fileConfig) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(fc, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".config-*.json") // 0600
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
