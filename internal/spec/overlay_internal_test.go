package spec

import "testing"

// TestOverlayDefectNumbers: every action of the sign overlay is numbered by
// the "# Defect N:" comment above it, in order, and the overlay uses RFC
// 9535 JSONPath throughout. Hermetic: no spec needed.
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
// "# Defect N:" comment, in ascending order, and every target is RFC 9535
// JSONPath.
func checkDefectNumbers(t *testing.T, path string) {
	t.Helper()
	o, results, err := parseOverlay(path)
	if err != nil {
		t.Fatal(err)
	}
	last := 0
	for i, r := range results {
		if r.Defect == 0 {
			t.Errorf("%s: action %d (%s) is under no \"# Defect N:\" comment", path, r.Index, r.Target)
		}
		if r.Defect < last {
			t.Errorf("%s: action %d: defect %d after defect %d", path, r.Index, r.Defect, last)
		}
		last = r.Defect
		if _, err := o.NewPath(o.Actions[i].Target, nil); err != nil {
			t.Errorf("%s: action %d: target %q is not RFC 9535 JSONPath: %v", path, r.Index, r.Target, err)
		}
	}
}
