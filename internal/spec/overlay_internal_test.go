package spec

import (
	"strings"
	"testing"
)

// TestOverlayDefectNumbers: every action of the sign overlay is numbered by
// the "# Defect N:" comment above it, in order, or grouped under a
// Go-surface shaping comment, and the overlay uses RFC 9535 JSONPath
// throughout. Hermetic: no spec needed.
func TestOverlayDefectNumbers(t *testing.T) {
	checkDefectNumbers(t, "../../api/sign/overlay.yaml")
	o, results, err := parseOverlay("../../api/sign/overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Each defect's block starts with its comment: the created-field union
	// (the update that adds CreatedField) is under "# Defect 6:".
	for i, a := range o.Actions {
		for k := 0; k+1 < len(a.Update.Content); k += 2 {
			if a.Update.Content[k].Value == "CreatedField" && results[i].Defect != 6 {
				t.Errorf("action %d adds CreatedField under defect %d, want 6", results[i].Index, results[i].Defect)
			}
		}
	}
}

// TestPDFOverlayDefectNumbers: the same for PDF Services' preload and
// overlay. Defect 1 is the preload's; the overlay's numbering starts at 2.
func TestPDFOverlayDefectNumbers(t *testing.T) {
	checkDefectNumbers(t, "../../api/pdf/preload.yaml")
	checkDefectNumbers(t, "../../api/pdf/overlay.yaml")
	_, pre, err := parseOverlay("../../api/pdf/preload.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range pre {
		if r.Defect != 1 {
			t.Errorf("preload action %d is under defect %d, want 1 (components.responses)", r.Index, r.Defect)
		}
	}
	_, results, err := parseOverlay("../../api/pdf/overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(results) > 0 && results[0].Defect != 2 {
		t.Errorf("the overlay's first action is under defect %d, want 2 (defect 1 is in preload.yaml)", results[0].Defect)
	}
}

// checkDefectNumbers: every action of the overlay at path is under a
// "# Defect N:" comment, defects in ascending order, or in a group of the
// Go-surface shaping section (after the defects), and every target is RFC
// 9535 JSONPath.
func checkDefectNumbers(t *testing.T, path string) {
	t.Helper()
	o, results, err := parseOverlay(path)
	if err != nil {
		t.Fatal(err)
	}
	last, shaping := 0, false
	for i, r := range results {
		switch {
		case r.Defect == 0 && r.Group == "":
			t.Errorf("%s: action %d (%s) is under no \"# Defect N:\" comment and in no Go-surface shaping group", path, r.Index, r.Target)
		case r.Defect == 0:
			shaping = true
		case shaping:
			t.Errorf("%s: action %d: defect %d after the Go-surface shaping section", path, r.Index, r.Defect)
		case r.Defect < last:
			t.Errorf("%s: action %d: defect %d after defect %d", path, r.Index, r.Defect, last)
		}
		last = max(last, r.Defect)
		if _, err := o.NewPath(o.Actions[i].Target, nil); err != nil {
			t.Errorf("%s: action %d: target %q is not RFC 9535 JSONPath: %v", path, r.Index, r.Target, err)
		}
	}
}

// TestActionNames: an action is named by its number, its group's comment
// and its description; the Go-surface shaping groups by their own comment,
// not as part of the defect above them.
func TestActionNames(t *testing.T) {
	_, results, err := parseOverlay("../../api/sign/overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	byDesc := map[string]ActionResult{}
	for _, r := range results {
		byDesc[r.Description] = r
	}
	enums := byDesc["Name the repeated enums once."]
	if enums.Defect != 0 || enums.Group != "One type per concept" {
		t.Errorf("the named enums are in defect %d, group %q; want Go-surface shaping, \"One type per concept\"", enums.Defect, enums.Group)
	}
	if n := enums.Name(); !strings.Contains(n, `(Go-surface shaping, "One type per concept": "Name the repeated enums once.")`) {
		t.Errorf("Name() = %s", n)
	}
	jobID := results[0]
	if jobID.Defect != 1 || !strings.HasPrefix(jobID.Group, "GET /jobs/{jobID} and GET /jobs/{jobID}/status use {jobID}") {
		t.Errorf("action 1: defect %d, group %q", jobID.Defect, jobID.Group)
	}
}
