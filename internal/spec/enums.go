package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// CheckNamedEnums fails when the overlay's named enums have drifted from
// upstream. The overlay replaces enums upstream repeats inline (Envelope's
// and ExtendedEnvelope's status, say) with one named schema it writes out
// itself (EnvelopeStatus); were upstream to add a value to the inline
// copies, the replacement would drop it without a word, and code built on
// the Go type would never see it. So for every property of raw that has an
// inline enum and that final turns into a reference, the referenced
// schema's enum must hold the same values. The error names both places.
func CheckNamedEnums(raw, final *openapi3.T) error {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(raw.Components.Schemas)) {
		rs := raw.Components.Schemas[name]
		fs := final.Components.Schemas[name]
		if rs == nil || rs.Value == nil || fs == nil || fs.Value == nil {
			continue
		}
		for _, prop := range slices.Sorted(maps.Keys(rs.Value.Properties)) {
			if p := namedEnumDrift(name, prop, rs.Value.Properties[prop], fs.Value.Properties[prop]); p != "" {
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the overlay's named enums differ from upstream's inline ones:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// namedEnumDrift compares one property's upstream inline enum with the
// named enum the overlay put in its place, if it did.
func namedEnumDrift(schema, prop string, raw, final *openapi3.SchemaRef) string {
	if raw == nil || raw.Ref != "" || raw.Value == nil || len(raw.Value.Enum) == 0 ||
		final == nil || final.Ref == "" || final.Value == nil {
		return ""
	}
	want, got := enumSet(raw.Value.Enum), enumSet(final.Value.Enum)
	missing, extra := diff(want, got), diff(got, want)
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	named := final.Ref[strings.LastIndex(final.Ref, "/")+1:]
	return fmt.Sprintf("#/components/schemas/%s/properties/%s has %v upstream; the overlay's %s (%s) lacks %v and adds %v: update %s in the overlay",
		schema, prop, want, named, final.Ref, missing, extra, named)
}

func enumSet(values []any) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, fmt.Sprint(v))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// diff is what a holds that b does not.
func diff(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}
