package auth

// Store is a cache of tokens shared across processes. Placeholder until the
// shared cache lands; a nil Store keeps every token in this process only.
type Store interface{}
