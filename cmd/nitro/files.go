package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/nitrokit/nitro/pdf"
)

// family is what kind of input a file is: a conversion to PDF picks its
// tool by it.
type family string

const (
	familyPDF    family = "pdf"
	familyOffice family = "office"
	familyImage  family = "image"
	familyMisc   family = "misc" // html, json, csv, xml, eps
	familyData   family = "data" // fill-forms data: xfdf, fdf (and csv, json)
)

// mediaTypes are the inputs Nitro documents, by extension: their media
// type and family (docs/pdf-services-tools.md, "Inputs"). The standard
// library's table depends on the machine's mime.types, and knows few of
// these.
var mediaTypes = map[string]struct {
	mediaType string
	family    family
}{
	".pdf":  {"application/pdf", familyPDF},
	".doc":  {"application/msword", familyOffice},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", familyOffice},
	".docm": {"application/vnd.ms-word.document.macroenabled.12", familyOffice},
	".dotx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.template", familyOffice},
	".dotm": {"application/vnd.ms-word.template.macroenabled.12", familyOffice},
	".xls":  {"application/vnd.ms-excel", familyOffice},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", familyOffice},
	".xlsm": {"application/vnd.ms-excel.sheet.macroenabled.12", familyOffice},
	".xltx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.template", familyOffice},
	".xltm": {"application/vnd.ms-excel.template.macroenabled.12", familyOffice},
	".ppt":  {"application/vnd.ms-powerpoint", familyOffice},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", familyOffice},
	".png":  {"image/png", familyImage},
	".jpg":  {"image/jpeg", familyImage},
	".jpeg": {"image/jpeg", familyImage},
	".html": {"text/html", familyMisc},
	".htm":  {"text/html", familyMisc},
	".json": {"application/json", familyMisc},
	".csv":  {"text/csv", familyMisc},
	".xml":  {"application/xml", familyMisc},
	".eps":  {"application/postscript", familyMisc},
	".xfdf": {"application/vnd.adobe.xfdf", familyData},
	".fdf":  {"application/vnd.fdf", familyData},
}

// familyOf is the family of a file named name ("" if unknown).
func familyOf(name string) family {
	return mediaTypes[strings.ToLower(filepath.Ext(name))].family
}

// inputs are the opened input files of one call, streamed as they are
// sent: never read whole.
type inputs struct {
	files  []pdf.File
	closes []io.Closer
	total  int64 // their sizes added up
}

// openInputs opens paths, each with its media type told by its extension.
func openInputs(paths []string) (*inputs, error) {
	in := &inputs{}
	for _, p := range paths {
		mt, ok := mediaTypes[strings.ToLower(filepath.Ext(p))]
		if !ok {
			in.close()
			return nil, usagef("%s: cannot tell its type from its extension; known: %s", p, strings.Join(sortedKeys(mediaTypes), " "))
		}
		// Stat first: opening a FIFO blocks until another process writes
		// to it, and Ctrl-C cannot end a blocked open. Checked again once
		// open, for the file opened.
		if st, err := os.Stat(p); err == nil && !st.Mode().IsRegular() {
			in.close()
			return nil, usagef("%s is not a regular file", p)
		}
		f, err := os.Open(p)
		if err != nil {
			in.close()
			return nil, err
		}
		in.closes = append(in.closes, f)
		st, err := f.Stat()
		if err != nil {
			in.close()
			return nil, err
		}
		if !st.Mode().IsRegular() {
			in.close()
			return nil, usagef("%s is not a regular file", p)
		}
		in.files = append(in.files, pdf.File{Name: filepath.Base(p), ContentType: mt.mediaType, Body: f, Size: st.Size()})
		in.total += st.Size()
	}
	return in, nil
}

func (in *inputs) close() {
	for _, c := range in.closes {
		c.Close()
	}
}

// output is where a result's bytes go: stdout for "-", else a temporary
// file beside the path, renamed over it only once the whole result is in,
// so a failed or interrupted download never leaves half a file, nor
// destroys an older one. A path that is neither a file nor a directory (a
// FIFO, a device such as /dev/null) is written in place: a file renamed
// over it would replace it. It is opened before anything is sent: a
// result with nowhere to go is found before a job runs for it.
type output struct {
	path    string
	f       *os.File
	w       io.Writer
	inPlace bool // f is the path itself
}

func (a *app) createOutput(path string) (*output, error) {
	if path == "-" {
		if a.flags.json {
			return nil, usagef("--json and -o - both write to stdout: give -o FILE, or leave out --json")
		}
		return &output{path: path, w: a.stdout}, nil
	}
	st, err := os.Stat(path)
	switch {
	case err != nil: // no file yet
		return createBeside(path, 0)
	case st.IsDir():
		return nil, usagef("-o %s is a directory: name a file in it", path)
	case !st.Mode().IsRegular():
		return openInPlace(path)
	}
	return createBeside(path, st.Mode().Perm())
}

// createBeside creates the temporary file that becomes path, with mode
// perm, that of the file it replaces (as a shell's '>' keeps it, so a
// private file stays private), or 0666 less the umask for a new file.
func createBeside(path string, perm fs.FileMode) (*output, error) {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+hex.EncodeToString(rnd[:])+".part")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, cannotWrite(path, err)
	}
	if perm != 0 {
		if err := f.Chmod(perm); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, cannotWrite(path, err)
		}
	}
	return &output{path: path, f: f, w: f}, nil
}

// openInPlace opens path, a FIFO or a device, to write to it as it is.
// O_NONBLOCK: a FIFO with no reader is an error (ENXIO) at once, not an
// open that blocks, deaf to Ctrl-C.
func openInPlace(path string) (*output, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ENXIO) {
		return nil, fmt.Errorf("cannot write %s: nothing reads it", path)
	}
	if err != nil {
		return nil, cannotWrite(path, err)
	}
	return &output{path: path, f: f, w: f, inPlace: true}, nil
}

// cannotWrite is the error of an output that cannot be written, naming it
// as given, not the temporary file beside it.
func cannotWrite(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot write %s: no directory %s", path, filepath.Dir(path))
	}
	return fmt.Errorf("cannot write %s: %w", path, err)
}

// commit puts the written result in place.
func (o *output) commit() error {
	if o.f == nil {
		return nil
	}
	if err := o.f.Close(); err != nil {
		if !o.inPlace {
			os.Remove(o.f.Name())
		}
		return cannotWrite(o.path, err)
	}
	if o.inPlace {
		return nil
	}
	if err := os.Rename(o.f.Name(), o.path); err != nil {
		os.Remove(o.f.Name())
		return cannotWrite(o.path, err)
	}
	return nil
}

// abort drops what was written; after commit it does nothing.
func (o *output) abort() {
	if o.f != nil && o.f.Close() == nil && !o.inPlace {
		os.Remove(o.f.Name())
	}
}

// write writes a result through o, all or none: write's bytes, committed
// if it succeeds, dropped if not.
func (o *output) write(write func(io.Writer) (int64, error)) (int64, error) {
	n, err := write(o.w)
	if err != nil {
		o.abort()
		return n, err
	}
	return n, o.commit()
}

// writeTo writes a result to path through an output made for it.
func (a *app) writeTo(path string, write func(io.Writer) (int64, error)) (int64, error) {
	out, err := a.createOutput(path)
	if err != nil {
		return 0, err
	}
	return out.write(write)
}

// knownExtensions lists the extensions of a family, for help texts.
func knownExtensions(fs ...family) string {
	var exts []string
	for _, ext := range sortedKeys(mediaTypes) {
		if slices.Contains(fs, mediaTypes[ext].family) {
			exts = append(exts, strings.TrimPrefix(ext, "."))
		}
	}
	return fmt.Sprint(strings.Join(exts, ", "))
}
