package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/nitrokit/nitro/pdf"
)

// request is a pdf.Request[R] with R erased: each tool's call has its own
// result type, and the command handles them all alike.
type request interface {
	JSON(ctx context.Context) (any, error)
	Stream(ctx context.Context, w io.Writer) (int64, error)
	Async(ctx context.Context) (job, error)
}

// job is a *pdf.Job[R] with R erased.
type job interface {
	id() string
	Status(ctx context.Context) (pdf.JobState, error)
	Follow(ctx context.Context, progress func(float64)) (any, error)
	FollowDownload(ctx context.Context, w io.Writer, progress func(float64)) (int64, error)
	Download(ctx context.Context, w io.Writer) (int64, error)
}

type erasedRequest[R any] struct{ r pdf.Request[R] }

func (e erasedRequest[R]) JSON(ctx context.Context) (any, error) { return e.r.JSON(ctx) }

func (e erasedRequest[R]) Stream(ctx context.Context, w io.Writer) (int64, error) {
	return e.r.Stream(ctx, w)
}

func (e erasedRequest[R]) Async(ctx context.Context) (job, error) {
	j, err := e.r.Async(ctx)
	if err != nil {
		return nil, err
	}
	return erasedJob[R]{j}, nil
}

type erasedJob[R any] struct{ j *pdf.Job[R] }

func (e erasedJob[R]) id() string { return e.j.ID }

func (e erasedJob[R]) Status(ctx context.Context) (pdf.JobState, error) { return e.j.Status(ctx) }

func (e erasedJob[R]) Follow(ctx context.Context, progress func(float64)) (any, error) {
	return e.j.Follow(ctx, progress)
}

func (e erasedJob[R]) FollowDownload(ctx context.Context, w io.Writer, progress func(float64)) (int64, error) {
	return e.j.FollowDownload(ctx, w, progress)
}

func (e erasedJob[R]) Download(ctx context.Context, w io.Writer) (int64, error) {
	return e.j.Download(ctx, w)
}

// call binds a tool's library call to the command: how to start it from
// files and params, how to resume a job it started, and whether its result
// is a file (every tool but the extractions).
type call struct {
	min, max int // how many files
	start    func(c *pdf.Client, files []pdf.File, params []byte) (request, error)
	resume   func(c *pdf.Client, id string) (job, error)
	file     bool
}

// one, two and many bind a typed call taking one file, two files (a
// document and an image or data file), or a list. The params are decoded
// from JSON into the call's own type, so a params type that changes shape
// (a map becoming a struct) needs no change here.
func one[P, R any](f func(*pdf.Client, pdf.File, P) pdf.Request[R]) call {
	return bind[P, R](1, 1, func(c *pdf.Client, fs []pdf.File, p P) pdf.Request[R] { return f(c, fs[0], p) })
}

func two[P, R any](f func(*pdf.Client, pdf.File, pdf.File, P) pdf.Request[R]) call {
	return bind[P, R](2, 2, func(c *pdf.Client, fs []pdf.File, p P) pdf.Request[R] { return f(c, fs[0], fs[1], p) })
}

func many[P, R any](f func(*pdf.Client, []pdf.File, P) pdf.Request[R]) call {
	return bind[P, R](2, 1<<10, f)
}

func bind[P, R any](lo, hi int, f func(*pdf.Client, []pdf.File, P) pdf.Request[R]) call {
	return call{
		min: lo, max: hi,
		start: func(c *pdf.Client, files []pdf.File, params []byte) (request, error) {
			var p P // a nil map or a zero struct: what "no params" is for either
			if len(params) > 0 {
				dec := json.NewDecoder(bytes.NewReader(params))
				dec.DisallowUnknownFields() // a misspelt key fails here, not silently
				if err := dec.Decode(&p); err != nil {
					return nil, usagef("the params do not fit this tool: %v", err)
				}
			}
			return erasedRequest[R]{f(c, files, p)}, nil
		},
		resume: resumeAs[R],
		file:   isFileResult[R](),
	}
}

func resumeAs[R any](c *pdf.Client, id string) (job, error) {
	j, err := pdf.ResumeJob[R](c, id)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return erasedJob[R]{j}, nil
}

func isFileResult[R any]() bool {
	_, ok := any(*new(R)).(pdf.FileResult)
	return ok
}

// choose is a call that picks one of several by the params and files:
// convert picks its tool by --to and the input's type.
func choose(lo, hi int, pick func(files []pdf.File, params map[string]any) (call, error)) call {
	return call{
		min: lo, max: hi,
		start: func(c *pdf.Client, files []pdf.File, params []byte) (request, error) {
			var m map[string]any
			if len(params) > 0 {
				if err := json.Unmarshal(params, &m); err != nil {
					return nil, usagef("the params are not a JSON object: %v", err)
				}
			}
			picked, err := pick(files, m)
			if err != nil {
				return nil, err
			}
			if n := len(files); n < picked.min || n > picked.max {
				return nil, usagef("this takes %s, not %d", fileCount(picked.min, picked.max), n)
			}
			return picked.start(c, files, params)
		},
		// Every tool convert and fill-forms choose from makes a file.
		resume: resumeAs[pdf.FileResult],
		file:   true,
	}
}

// fileCount says how many files a call takes.
func fileCount(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "one file"
	case lo == hi:
		return fmt.Sprintf("%d files", lo)
	case hi >= 1<<10:
		return fmt.Sprintf("%d or more files", lo)
	}
	return fmt.Sprintf("%d to %d files", lo, hi)
}
