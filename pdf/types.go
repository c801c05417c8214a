package pdf

import (
	"errors"
	"fmt"
)

// The tools' parameter and result types, and every model they reach, are
// aliases of package pdfapi's, written with their fields by `make generate`
// into types.gen.go (internal/cmd/opsgen -types-only): the tools' table
// names them, and the generator follows them from there.

// FileResult is the result of every tool that makes a file (or files, for
// Split and ConvertPDFToImage): read it with ResultFiles. Its fields are
// PlatformResponse's.
type FileResult = PlatformResponse

// ResultFiles returns the file or files a FileResult holds, in order: one for
// most tools, one per part for Split, one or one per page for
// ConvertPDFToImage. A FileInfo's URL is empty when a Delivery uploaded it.
func ResultFiles(r FileResult) ([]FileInfo, error) {
	// The two variants differ by their member: "files" (a list) or "file".
	if many, err := r.Result.AsPlatformOperationFilesResult(); err == nil && len(many.Files) > 0 {
		return many.Files, nil
	}
	one, err := r.Result.AsPlatformOperationFileResult()
	if err != nil {
		return nil, fmt.Errorf("nitro: the result holds no file: %w", err)
	}
	if one.File == (FileInfo{}) {
		return nil, errors.New("nitro: the result holds no file")
	}
	return []FileInfo{one.File}, nil
}
