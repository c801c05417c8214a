package auth

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoGeneratedImports keeps auth independent of the generated client:
// its wire formats are its own (wire.go), so gen can be regenerated or
// restructured without touching token handling.
func TestNoGeneratedImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources: %v", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); strings.HasPrefix(p, "github.com/nitrokit/nitro/gen") {
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
}

// TestBothShapesOneDecode pins the two success shapes and the lenient
// expires_in against the single-pass parser.
func TestBothShapesOneDecode(t *testing.T) {
	for body, want := range map[string]parsed{
		`{"accessToken":"camel","tokenType":"Bearer","expiresIn":86400}`:    {"camel", "Bearer", 86400e9},
		`{"access_token":"snake","token_type":"bearer","expires_in":"269"}`: {"snake", "bearer", 269e9},
		`{"access_token":"both","accessToken":"ignored","expiresIn":5}`:     {"both", "Bearer", 0},
		`{"accessToken":"no-expiry"}`:                                       {"no-expiry", "Bearer", 0},
		` {"access_token":"null-expiry","expires_in":null,"extra":[1,{}]} `: {"null-expiry", "Bearer", 0},
	} {
		got, err := parseTokenResponse([]byte(body))
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", body, got, err, want)
		}
	}
}
