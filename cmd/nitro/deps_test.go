package main

import (
	"os/exec"
	"strings"
	"testing"
)

// commandOnly are the modules the command brings that the library must
// never: its framework, progress bar, terminal and test libraries.
var commandOnly = []string{
	"github.com/spf13/cobra", "github.com/spf13/pflag", "github.com/schollz/progressbar/v3",
	"golang.org/x/term", "github.com/creack/pty",
}

// TestLibraryDepsExcludeCommand: `go list -deps ./...` of the library
// module names none of the command's own dependencies, and the command's
// does (so the check can fail).
func TestLibraryDepsExcludeCommand(t *testing.T) {
	t.Parallel()
	modules := func(dir string, test bool) map[string]bool {
		t.Helper()
		args := []string{"list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}"}
		if test {
			args = append(args, "-test")
		}
		cmd := exec.Command("go", append(args, "./...")...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list in %s: %v", dir, err)
		}
		set := map[string]bool{}
		for _, m := range strings.Fields(string(out)) {
			set[m] = true
		}
		return set
	}
	library, command := modules("../..", false), modules(".", true)
	for _, m := range commandOnly {
		if library[m] {
			t.Errorf("the library's packages depend on %s, a dependency of the command only", m)
		}
		if !command[m] {
			t.Errorf("the command does not depend on %s: update commandOnly", m)
		}
	}
}
