package spec

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
)

// maxSpecBytes bounds a fetched spec; today's is 140 KiB.
const maxSpecBytes = 32 << 20

// IsURL reports whether src names an http(s) URL rather than a local path.
func IsURL(src string) bool {
	u, err := url.Parse(src)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Fetch returns the bytes of the spec at src, an http(s) URL or a file path.
func Fetch(ctx context.Context, client *http.Client, src string) ([]byte, error) {
	if !IsURL(src) {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("fetch spec: %w", err)
		}
		return b, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch spec: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch spec: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch spec %s: HTTP %s", src, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch spec %s: %w", src, err)
	}
	if len(b) > maxSpecBytes {
		return nil, fmt.Errorf("fetch spec %s: larger than %d bytes", src, maxSpecBytes)
	}
	return b, nil
}
