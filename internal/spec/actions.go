package spec

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// ActionResult is what one overlay action did to the spec.
type ActionResult struct {
	Index  int // 1-based, as in the file
	Defect int // from the "# Defect N:" comment above it; 0 for Go-surface shaping
	// Group is the comment that heads the action's group: the first
	// sentence of its "# Defect N:" comment, or of the Go-surface shaping
	// block it is under.
	Group       string
	Target      string
	Description string
	Copy        string // the copy source, for a copy action
	Matches     int
	// targets are the JSON pointers the action matched, in order; for a
	// copy whose source matched nothing, none. written are the pointers
	// it wrote under each target: the members an update or a copy merges
	// into a mapping, else the target itself.
	targets []string
	written [][]string
	source  string // the pointer a copy copied from
}

// Name is how messages name the action: its number, its group (defect or
// shaping block) and its description, as written in the overlay.
func (a ActionResult) Name() string {
	what := cmp.Or(a.Description, a.Target)
	switch {
	case a.Defect > 0 && a.Group != "":
		return fmt.Sprintf("action %d (defect %d, %q: %q)", a.Index, a.Defect, a.Group, what)
	case a.Defect > 0:
		return fmt.Sprintf("action %d (defect %d: %q)", a.Index, a.Defect, what)
	case a.Group != "":
		return fmt.Sprintf("action %d (Go-surface shaping, %q: %q)", a.Index, a.Group, what)
	}
	return fmt.Sprintf("action %d (%q)", a.Index, what)
}

// group names the action's group for a summary line: "defect 4 (…)".
func (a ActionResult) group() string {
	if a.Defect > 0 {
		if a.Group != "" {
			return fmt.Sprintf("defect %d (%q)", a.Defect, a.Group)
		}
		return fmt.Sprintf("defect %d", a.Defect)
	}
	if a.Group != "" {
		return fmt.Sprintf("the Go-surface shaping %q", a.Group)
	}
	return "an unnumbered group"
}

var (
	defectHead  = regexp.MustCompile(`^(?i)defect\s+(\d+)\s*:\s*(.*)$`)
	shapingHead = regexp.MustCompile(`^(?i)go-surface shaping`)
	separator   = regexp.MustCompile(`^-{3,}$`)
)

// commentBlock is a run of comment lines at the indentation of the actions
// list, ended by a blank line or an action.
type commentBlock struct {
	line int // 1-based line of its first line
	text []string
}

// parseOverlay loads the overlay and groups its actions by the comment
// blocks above them. A block starting "Defect N:" opens defect N; one
// starting "Go-surface shaping" opens the shaping section, in which every
// further block opens a group of its own (defect 0). Within a defect, other
// blocks are its sub-comments.
func parseOverlay(path string) (*overlay.Overlay, []ActionResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("overlay: %w", err)
	}
	key := path + "\x00" + Sum(b)
	parsedMu.Lock()
	p, ok := parsed[key]
	parsedMu.Unlock()
	if !ok {
		p.o, p.results, p.err = parseOverlayBytes(path, b)
		parsedMu.Lock()
		parsed[key] = p
		parsedMu.Unlock()
	}
	// Each run fills in its own results; the overlay itself is only read
	// (the library clones what an update merges in).
	return p.o, slices.Clone(p.results), p.err
}

// parsed caches parsed overlays by path and content: a comparison parses
// the same overlay for the locked spec and each candidate.
var (
	parsedMu sync.Mutex
	parsed   = map[string]parsedOverlay{}
)

type parsedOverlay struct {
	o       *overlay.Overlay
	results []ActionResult
	err     error
}

func parseOverlayBytes(path string, b []byte) (*overlay.Overlay, []ActionResult, error) {
	o, err := overlay.ParseReader(bytes.NewReader(b))
	if err != nil {
		return nil, nil, fmt.Errorf("overlay %s: %w", path, err)
	}
	if err := o.Validate(); err != nil {
		return nil, nil, fmt.Errorf("overlay %s is not valid: %w", path, err)
	}
	if !o.UsesRFC9535() {
		return nil, nil, fmt.Errorf("overlay %s: set `x-speakeasy-jsonpath: rfc9535` at its root: its targets are RFC 9535 JSONPath, not the deprecated dialect", path)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, nil, fmt.Errorf("overlay %s: %w", path, err)
	}
	actions := get(&root, "actions")
	indent := -1
	if actions != nil && len(actions.Content) > 0 {
		indent = actions.Content[0].Column - 3 // "- " before the first key
	}
	blocks := commentBlocks(string(b), indent)
	results := make([]ActionResult, len(o.Actions))
	for i, a := range o.Actions {
		line := 0
		if actions != nil && i < len(actions.Content) {
			line = actions.Content[i].Line
		}
		defect, group := groupAt(blocks, line)
		results[i] = ActionResult{Index: i + 1, Defect: defect, Group: group, Target: a.Target, Description: a.Description, Copy: a.Copy}
	}
	return o, results, nil
}

// commentBlocks collects the comment blocks whose '#' is at column indent
// (0-based); with indent < 0, at any column.
func commentBlocks(src string, indent int) []commentBlock {
	var blocks []commentBlock
	var cur *commentBlock
	for i, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		col := len(l) - len(strings.TrimLeft(l, " "))
		if !strings.HasPrefix(t, "#") || (indent >= 0 && col != indent) {
			cur = nil
			continue
		}
		text := strings.TrimSpace(strings.TrimPrefix(t, "#"))
		if cur == nil {
			blocks = append(blocks, commentBlock{line: i + 1})
			cur = &blocks[len(blocks)-1]
		}
		if !separator.MatchString(text) {
			cur.text = append(cur.text, text)
		}
	}
	return blocks
}

// groupAt is the defect and group title of an action on the given line.
func groupAt(blocks []commentBlock, line int) (int, string) {
	defect, group, shaping := 0, "", false
	for _, b := range blocks {
		if b.line >= line || len(b.text) == 0 {
			continue
		}
		if m := defectHead.FindStringSubmatch(b.text[0]); m != nil {
			defect, _ = strconv.Atoi(m[1])
			group, shaping = firstSentence(append([]string{m[2]}, b.text[1:]...)), false
			continue
		}
		if shapingHead.MatchString(b.text[0]) {
			defect, group, shaping = 0, "Go-surface shaping", true
			continue
		}
		if shaping {
			group = firstSentence(b.text)
		}
	}
	return defect, group
}

// firstSentence joins comment lines and keeps the first sentence, at most
// about 80 characters.
func firstSentence(lines []string) string {
	s := strings.Join(lines, " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if r := []rune(s); len(r) > 80 {
		cut := strings.LastIndex(string(r[:80]), " ")
		if cut < 40 {
			cut = len(string(r[:80]))
		}
		s = string(r[:80])[:cut] + "…"
	}
	return s
}
