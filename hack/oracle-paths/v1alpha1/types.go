// Package v1alpha1 mirrors the one type of the agent's API package that templates can see (Side), so
// Go's messages name it as in the agent (v1alpha1.RelatedResourceOrigin).
package v1alpha1

// RelatedResourceOrigin is `related[].origin`: "kcp" or "service".
type RelatedResourceOrigin string
