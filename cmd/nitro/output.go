package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"
)

// printf prints a line for a person on stdout, redacted and printable.
func (a *app) printf(format string, args ...any) {
	fmt.Fprint(a.stdout, a.forPerson(fmt.Sprintf(format, args...)))
}

// note prints a line about the run on stderr, redacted and printable:
// progress, job IDs, hints; stdout keeps the results alone.
func (a *app) note(format string, args ...any) {
	fmt.Fprint(a.stderr, a.forPerson(fmt.Sprintf(format, args...)))
}

// forPerson is s as the command shows it to a person: redacted, and
// printable.
func (a *app) forPerson(s string) string { return printable(a.redact(s)) }

// printable shows the control characters of s (but line ends and tabs) as
// Go escapes, \x1b for ESC: much of what the command prints comes from a
// server (a problem's detail, a job's failure, an envelope's name), and a
// terminal acts on escape sequences, to recolour, retitle or rewrite it.
func printable(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !isControl(r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// isControl reports whether r is a C0 or C1 control character, or DEL,
// other than a line end or a tab.
func isControl(r rune) bool {
	return r != '\n' && r != '\t' && (r < 0x20 || (r >= 0x7f && r < 0xa0))
}

// printJSON prints v as indented JSON on stdout, redacted: the whole value
// is encoded before it is written, so no secret can straddle two writes.
func (a *app) printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(a.stdout, a.redact(string(b)))
	return err
}

// printJSONInline prints v as compact JSON on stdout, redacted, with no
// line end: one element of a streamed array.
func (a *app) printJSONInline(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.stdout, a.redact(string(b)))
	return err
}

// redacting writes to stderr through a.redact: the library already keeps
// secrets out of its log lines, and this keeps them out should one slip.
// A log handler writes one whole record per call, so no secret straddles
// two writes.
type redacting struct{ a *app }

func (r redacting) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.a.stderr, r.a.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// terminal reports whether stderr, where progress goes, is a terminal that
// can redraw a line.
func (a *app) terminal() bool {
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && a.getenv("TERM") != "dumb"
}

// stdoutTerminal reports whether stdout is a terminal.
func (a *app) stdoutTerminal() bool {
	f, ok := a.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
