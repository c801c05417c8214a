package spec

import "testing"

// TestOverlayDefectNumbers: every action of the sign overlay is numbered by
// the "# Defect N:" comment above it, in order, and the overlay uses RFC
// 9535 JSONPath throughout. Hermetic: no spec needed.
func TestOverlayDefectNumbers(t *testing.T) {
	o, results, err := parseOverlay("../../api/sign/overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	last := 0
	for i, r := range results {
		if r.Defect == 0 {
			t.Errorf("action %d (%s) is under no \"# Defect N:\" comment", r.Index, r.Target)
		}
		if r.Defect < last {
			t.Errorf("action %d: defect %d after defect %d", r.Index, r.Defect, last)
		}
		last = r.Defect
		if _, err := o.NewPath(o.Actions[i].Target, nil); err != nil {
			t.Errorf("action %d: target %q is not RFC 9535 JSONPath: %v", r.Index, r.Target, err)
		}
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
