package otel_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSignAloneBringsNoOpenTelemetry: OpenTelemetry lives in this module
// so that a program using the library without it gets none of it. A
// program importing package sign depends on no OpenTelemetry package
// (go list -deps, resolved in this module, where OpenTelemetry is at hand
// to be wrongly imported), and the library's go.mod requires no
// OpenTelemetry module, so a user's build list gains none.
func TestSignAloneBringsNoOpenTelemetry(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./testdata/signonly").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	var otel []string
	for _, d := range deps {
		if strings.HasPrefix(d, "go.opentelemetry.io/") || d == "github.com/nitrokit/nitro/otel" {
			otel = append(otel, d)
		}
	}
	if len(otel) > 0 {
		t.Errorf("a program importing sign depends on %d OpenTelemetry packages: %s", len(otel), strings.Join(otel, " "))
	}
	if !strings.Contains("\n"+string(out), "\ngithub.com/nitrokit/nitro/sign\n") {
		t.Fatalf("go list named no package sign among its %d packages: the program does not import it", len(deps))
	}

	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		if strings.Contains(line, "go.opentelemetry.io/") {
			t.Errorf("the library's go.mod names OpenTelemetry: %q", strings.TrimSpace(line))
		}
	}
}
