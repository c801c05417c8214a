package nitro

// Ptr returns a pointer to v, for the fields where nil means something: a
// PATCH body's "leave unchanged" (sign.EnvelopeUpdate{Name: nitro.Ptr("v2")})
// and an optional query parameter left out.
func Ptr[T any](v T) *T { return &v }
