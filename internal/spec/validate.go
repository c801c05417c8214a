package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// Document is a loaded OpenAPI document.
type Document = openapi3.T

// Load reads the spec at specPath and applies the overlay at overlayPath
// (none when empty) the way the generator does (kin-openapi load, overlay on
// its YAML form, load again), so that what is checked here is exactly what
// the generated code is generated from.
func Load(specPath, overlayPath string) (*Document, error) {
	doc, _, err := LoadReport(specPath, overlayPath)
	return doc, err
}

// LoadReport is Load, also returning what each overlay action did.
func LoadReport(specPath, overlayPath string) (*Document, *Report, error) {
	return loadReport(specPath, overlayPath, runOptions{})
}

// runOptions are how one run of the overlay is made.
type runOptions struct {
	// pre is the report of the preload that wrote the document (nil for
	// none): error messages name what it wrote.
	pre *Report
	// snapshots: keep what each action overwrote, for Compare.
	snapshots bool
	// locked is the report of the same overlay on the locked spec, when
	// this run is a candidate's: messages say what an action used to write.
	locked *Report
}

// loadReport loads the spec with the overlay. It returns the report even
// when the overlay's checks or the load fail (nil only when the overlay
// could not be applied at all), so that Compare can judge what went wrong.
func loadReport(specPath, overlayPath string, opt runOptions) (*Document, *Report, error) {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return nil, nil, err
	}
	if err := CheckOpenAPI(specPath, raw); err != nil {
		return nil, nil, err
	}
	// The generator's first step (oapi-codegen pkg/util.loadSwagger): the
	// spec loaded by kin-openapi, then marshalled. Its references are not
	// resolved here: the marshalled form keeps each $ref as it is either
	// way, and the overlay applies to that form; the document is loaded
	// with its references only after the overlay. A spec loaded without an
	// overlay is loaded in full.
	location := &url.URL{Path: filepath.ToSlash(specPath)}
	doc := &openapi3.T{}
	err = doc.UnmarshalJSON(raw)
	if err == nil && overlayPath == "" {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err = loader.LoadFromDataWithPath(raw, location)
	}
	if err != nil {
		// Name a dangling $ref by its JSON pointer and who wrote it,
		// which kin-openapi's error does not.
		var rawNode yaml.Node
		if yerr := yaml.Unmarshal(raw, &rawNode); yerr != nil {
			return nil, nil, fmt.Errorf("%s: %w", specPath, yerr)
		}
		if rerr := checkRefs(&rawNode, opt.pre, specPath); rerr != nil {
			return nil, nil, rerr
		}
		return nil, nil, fmt.Errorf("load %s: %w", specPath, err)
	}
	if overlayPath == "" {
		return doc, nil, nil
	}
	rawDoc := doc
	// The generator's steps (oapi-codegen pkg/util.LoadSwaggerWithOverlay),
	// with the overlay applied one action at a time and checked.
	// The generator encodes the loaded document as YAML and parses that
	// into the node tree the overlay applies to; kin-openapi's JSON form
	// is the same content (MarshalJSON is json.Marshal of MarshalYAML), and
	// becomes a node tree without a YAML emitter and parser.
	j, err := doc.MarshalJSON()
	if err != nil {
		return nil, nil, fmt.Errorf("%s as JSON: %w", specPath, err)
	}
	node, err := jsonNode(j)
	if err != nil {
		return nil, nil, fmt.Errorf("%s as a node tree: %w", specPath, err)
	}
	rep, err := applyOverlay(node, overlayPath, opt.snapshots)
	if rep != nil {
		rep.pre, rep.locked = opt.pre, opt.locked
	}
	if err != nil {
		return nil, rep, err
	}
	if err := checkRefs(node, rep, specPath+" with overlay "+overlayPath); err != nil {
		return nil, rep, err
	}
	// The generator marshals the node tree as YAML and loads that; the
	// same tree as JSON is the same document, and kin-openapi reads JSON
	// without its slower YAML path.
	var b bytes.Buffer
	if err := writeJSON(&b, node, ""); err != nil {
		return nil, rep, fmt.Errorf("%s with overlay %s: %w", specPath, overlayPath, err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err = loader.LoadFromDataWithPath(b.Bytes(), location)
	if err != nil {
		return nil, rep, fmt.Errorf("load %s with overlay %s: %w", specPath, overlayPath, err)
	}
	if err := CheckNamedEnums(rawDoc, doc); err != nil {
		return nil, rep, fmt.Errorf("%s with overlay %s: %w", specPath, overlayPath, err)
	}
	return doc, rep, nil
}

// Validate loads the spec with its overlay and validates it with
// kin-openapi. Examples are validated here, one by one, so that each error
// names the example's JSON pointer and whether the overlay touched it.
func Validate(ctx context.Context, specPath, overlayPath string) (*Document, error) {
	doc, _, err := ValidateReport(ctx, specPath, overlayPath)
	return doc, err
}

// ValidateReport is Validate, also returning the overlay's report.
func ValidateReport(ctx context.Context, specPath, overlayPath string) (*Document, *Report, error) {
	return ValidatePreloaded(ctx, specPath, overlayPath, nil)
}

// ValidatePreloaded is ValidateReport of a document written by Preload,
// whose report is pre: every check is the same, and a JSON pointer in an
// error also says whether the preload wrote it.
func ValidatePreloaded(ctx context.Context, specPath, overlayPath string, pre *Report) (*Document, *Report, error) {
	return validate(ctx, specPath, overlayPath, runOptions{pre: pre})
}

func validate(ctx context.Context, specPath, overlayPath string, opt runOptions) (*Document, *Report, error) {
	doc, rep, err := loadReport(specPath, overlayPath, opt)
	if err != nil {
		return nil, rep, err
	}
	where := fmt.Sprintf("%s (overlay %s)", specPath, overlayPath)
	if overlayPath == "" {
		where = specPath + " (no overlay)"
	}
	if err := doc.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
		return nil, rep, fmt.Errorf("%s is not a valid OpenAPI document: %w%s", where, err, locations(err.Error(), rep))
	}
	if errs := validateExamples(doc, rep); len(errs) > 0 {
		return nil, rep, fmt.Errorf("%s: %d invalid example(s):\n  %s", where, len(errs), strings.Join(errs, "\n  "))
	}
	return doc, rep, nil
}

func validateExamples(doc *openapi3.T, rep *Report) []string {
	var errs []string
	check := func(ptr string, schema *openapi3.SchemaRef, value any) {
		if schema == nil || schema.Value == nil {
			return
		}
		if err := schema.Value.VisitJSON(value, openapi3.MultiErrors()); err != nil {
			var me openapi3.MultiError
			msgs := []string{err.Error()}
			if errors.As(err, &me) {
				msgs = msgs[:0]
				for _, e := range me {
					msgs = append(msgs, schemaErr(e))
				}
			} else {
				msgs = []string{schemaErr(err)}
			}
			where := "upstream's own text; the overlay does not touch it"
			if rep != nil {
				where = rep.Touched(ptr) + rep.schemaOnce(ptr)
			}
			errs = append(errs, fmt.Sprintf("%s: %s (%s)", ptr, strings.Join(msgs, "; "), where))
		}
	}
	media := func(ptr string, content openapi3.Content) {
		for _, ct := range slices.Sorted(mapKeys(content)) {
			mt := content[ct]
			p := ptr + "/content/" + escape(ct)
			if mt.Example != nil {
				check(p+"/example", mt.Schema, mt.Example)
			}
			for _, name := range slices.Sorted(mapKeys(mt.Examples)) {
				if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
					check(p+"/examples/"+escape(name)+"/value", mt.Schema, ex.Value.Value)
				}
			}
		}
	}
	if doc.Paths != nil {
		for _, path := range slices.Sorted(mapKeys(doc.Paths.Map())) {
			item := doc.Paths.Value(path)
			for _, method := range slices.Sorted(mapKeys(item.Operations())) {
				op := item.Operations()[method]
				p := "/paths/" + escape(path) + "/" + strings.ToLower(method)
				for i, pr := range op.Parameters {
					if pr.Value != nil && pr.Value.Example != nil {
						check(p+"/parameters/"+strconv.Itoa(i)+"/example", pr.Value.Schema, pr.Value.Example)
					}
				}
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					media(p+"/requestBody", op.RequestBody.Value.Content)
				}
				if op.Responses != nil {
					for _, code := range slices.Sorted(mapKeys(op.Responses.Map())) {
						if r := op.Responses.Value(code); r != nil && r.Value != nil {
							media(p+"/responses/"+escape(code), r.Value.Content)
						}
					}
				}
			}
		}
	}
	for _, name := range slices.Sorted(mapKeys(doc.Components.Schemas)) {
		s := doc.Components.Schemas[name]
		if s.Value == nil {
			continue
		}
		p := "/components/schemas/" + escape(name)
		if s.Value.Example != nil {
			check(p+"/example", s, s.Value.Example)
		}
		for _, prop := range slices.Sorted(mapKeys(s.Value.Properties)) {
			if ps := s.Value.Properties[prop]; ps != nil && ps.Value != nil && ps.Value.Example != nil {
				check(p+"/properties/"+escape(prop)+"/example", ps, ps.Value.Example)
			}
		}
	}
	return errs
}

// schemaOnce says, for an example at ptr that is upstream's own text,
// when the schema it is checked against was written by the overlay: in
// this run (the overlay's replacement no longer fits upstream's example),
// or in the locked spec by an action that no longer applies.
func (r *Report) schemaOnce(ptr string) string {
	if _, ok := r.touchAt(ptr); ok {
		return ""
	}
	var schema string
	if i := strings.LastIndex(ptr, "/examples/"); i >= 0 && strings.Contains(ptr[:i], "/content/") {
		schema = ptr[:i] + "/schema"
	} else if s, ok := strings.CutSuffix(ptr, "/example"); ok {
		if strings.Contains(s, "/content/") && !strings.HasSuffix(parentPtr(s), "/properties") {
			schema = s + "/schema"
		} else {
			schema = s
		}
	} else {
		return ""
	}
	if t, ok := r.touchUnder(schema); ok {
		return fmt.Sprintf("; the schema it is checked against is the overlay's (%s wrote %s): it no longer fits upstream's example, so upstream has changed what the action replaces", t.action.Name(), t.ptr)
	}
	if r.locked != nil {
		if t, ok := r.locked.touchUnder(schema); ok {
			return fmt.Sprintf("; the schema it is checked against was written, in the locked spec, by %s, which no longer applies", t.action.Name())
		}
	}
	return ""
}

// touchUnder is the first action that wrote or removed ptr, a node under
// it, or an ancestor of it.
func (r *Report) touchUnder(ptr string) (touch, bool) {
	for _, t := range r.touched {
		if t.ptr == ptr || strings.HasPrefix(t.ptr, ptr+"/") || strings.HasPrefix(ptr, t.ptr+"/") {
			return t, true
		}
	}
	return touch{}, false
}

// schemaErr shortens a kin-openapi schema error to its reason and the path
// inside the example.
func schemaErr(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		in := "/" + strings.Join(se.JSONPointer(), "/")
		return fmt.Sprintf("at %s in the example: %s", in, se.Reason)
	}
	return strings.SplitN(err.Error(), "\n", 2)[0]
}

func mapKeys[M ~map[K]V, K comparable, V any](m M) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var (
	opInMsg     = regexp.MustCompile(`operation ([A-Z]+) (/[^\s:]*)`)
	pathOpInMsg = regexp.MustCompile(`invalid path (/[^\s:]*): invalid operation ([A-Z]+)`)
	schemaInMsg = regexp.MustCompile(`schema "([^"]+)"`)
)

// locations turns what kin-openapi's structural errors name (an operation,
// a path, a schema) into JSON pointers, each saying whether the overlay
// touched it.
func locations(msg string, rep *Report) string {
	var ptrs []string
	for _, m := range opInMsg.FindAllStringSubmatch(msg, -1) {
		ptrs = append(ptrs, "/paths/"+escape(m[2])+"/"+strings.ToLower(m[1]))
	}
	for _, m := range pathOpInMsg.FindAllStringSubmatch(msg, -1) {
		ptrs = append(ptrs, "/paths/"+escape(m[1])+"/"+strings.ToLower(m[2]))
	}
	for _, m := range schemaInMsg.FindAllStringSubmatch(msg, -1) {
		ptrs = append(ptrs, "/components/schemas/"+escape(m[1]))
	}
	slices.Sort(ptrs)
	ptrs = slices.Compact(ptrs)
	if len(ptrs) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range ptrs {
		where := "upstream's own text; the overlay does not touch it"
		if rep != nil {
			where = rep.Touched(p)
		}
		fmt.Fprintf(&b, "\n  at %s (%s)", p, where)
	}
	return b.String()
}
